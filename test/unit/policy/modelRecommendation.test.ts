import { describe, expect, it } from 'vitest';
import { MODEL_CATALOG } from '../../../electron/engine/models/catalog';
import { recommendModel, RECOMMEND_MARGIN_MIB } from '../../../shared/modelRecommendation';

// The built-in catalog as models.list offers it: the rule reads its figures, not a copy of them.
const catalog = MODEL_CATALOG.map((e) => ({
  id: e.id,
  family: e.family,
  expectedVramMiB: e.expectedVramMiB,
  bundled: e.bundledDir !== undefined,
}));
const FP32 = 'parakeet-tdt-0.6b-v2-fp32';
const INT8 = 'parakeet-tdt-0.6b-v2-int8';
const sizeOf = (id: string) => catalog.find((m) => m.id === id)?.expectedVramMiB ?? Number.NaN;
const HEADROOM = 256;

describe('recommendModel', () => {
  it('suggests the fp32 TDT on the GPU when it fits with the headroom and a margin to spare', () => {
    const r = recommendModel(catalog, { freeMiB: 8000, headroomMiB: HEADROOM });
    expect(r).toMatchObject({ id: FP32, device: 'gpu' });
    expect(r?.reason).toMatch(/8000 MiB free/);
  });

  it('fits exactly at free − size = headroom + margin, and not a MiB less', () => {
    const edge = sizeOf(FP32) + HEADROOM + RECOMMEND_MARGIN_MIB;
    expect(recommendModel(catalog, { freeMiB: edge, headroomMiB: HEADROOM })?.id).toBe(FP32);
    expect(recommendModel(catalog, { freeMiB: edge - 1, headroomMiB: HEADROOM })).toMatchObject({
      id: INT8,
      device: 'gpu',
    });
  });

  it('falls back to the int8 TDT: on the GPU while it fits, else on the CPU', () => {
    const int8Edge = sizeOf(INT8) + HEADROOM + RECOMMEND_MARGIN_MIB;
    expect(recommendModel(catalog, { freeMiB: int8Edge, headroomMiB: HEADROOM })).toMatchObject({
      id: INT8,
      device: 'gpu',
    });
    const r = recommendModel(catalog, { freeMiB: int8Edge - 1, headroomMiB: HEADROOM });
    expect(r).toMatchObject({ id: INT8, device: 'cpu' });
    expect(r?.reason).toMatch(/too little/);
  });

  it('a larger headroom setting asks for more room', () => {
    expect(recommendModel(catalog, { freeMiB: 8000, headroomMiB: 4500 })?.id).toBe(INT8);
  });

  it('without a usable GPU suggests the int8 TDT on the CPU', () => {
    const r = recommendModel(catalog, { freeMiB: null, headroomMiB: HEADROOM });
    expect(r).toMatchObject({ id: INT8, device: 'cpu' });
    expect(r?.reason).toMatch(/No usable GPU/);
  });

  it('never suggests the bundled self-test model or a CTC model, and says nothing when no TDT is offered', () => {
    const others = catalog.filter((m) => m.family !== 'nemo-tdt');
    expect(others.length).toBeGreaterThan(0);
    expect(recommendModel(others, { freeMiB: 80_000, headroomMiB: HEADROOM })).toBeNull();
    expect(recommendModel([], { freeMiB: null, headroomMiB: HEADROOM })).toBeNull();
  });
});

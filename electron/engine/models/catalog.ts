/**
 * Speech models the app can install. Sizes and SHA-256 are published values, never guessed: a file whose
 * checksum could not be confirmed is marked `unverified`, and the downloader refuses to install it unless the
 * user explicitly allows it.
 *
 * Provenance of the Parakeet TDT 0.6B v2 entries (onnx-asr's export, Hugging Face
 * istupakov/parakeet-tdt-0.6b-v2-onnx, pinned to revision 0bbb45a3…): the sizes and SHA-256 below agree across
 * several independent public projects that pin that revision (installers and manifests in Python, Rust,
 * JavaScript and Nix), and the 97-byte config.json was reproduced byte for byte from its known content. They
 * were not re-downloaded here (Hugging Face is unreachable from the build machines); the downloader checks
 * every byte on the user's machine anyway.
 */
import type { SttFamily } from '../stt/modelConfig';

export interface CatalogFile {
  name: string;
  url: string;
  /** Published size; null when unknown. */
  bytes: number | null;
  /** Published SHA-256 (lowercase hex); null when unknown. */
  sha256: string | null;
  /** The size/checksum could not be confirmed: installing needs the user's explicit consent. */
  unverified?: true;
}

export interface CatalogEntry {
  id: string;
  title: string;
  family: SttFamily;
  language: string;
  licence: { name: string; url: string };
  /** Where it comes from (a page a person can read). */
  source: string;
  /** What a GPU load is expected to take, until measured (weights + activations for ~30 s utterances). */
  expectedVramMiB: number;
  files: CatalogFile[];
  /** Shipped with the app: copied from this folder (relative to the app root), nothing downloaded. */
  bundledDir?: string;
  notes?: string;
}

const TDT_V2_REPO = 'https://huggingface.co/istupakov/parakeet-tdt-0.6b-v2-onnx';
const TDT_V2_REV = '0bbb45a3365852604aef28b538a8f066f4ccaa85';
const tdtV2 = (name: string): string => `${TDT_V2_REPO}/resolve/${TDT_V2_REV}/${name}`;

const CC_BY_4 = { name: 'CC-BY-4.0', url: 'https://creativecommons.org/licenses/by/4.0/' };

const TDT_V2_COMMON: CatalogFile[] = [
  {
    name: 'config.json',
    url: tdtV2('config.json'),
    bytes: 97,
    sha256: '666903c76b9798caf2c210afd4f6cd60b08a8dbf9800ec8d7a3bc0d2148ac466',
  },
  {
    name: 'vocab.txt',
    url: tdtV2('vocab.txt'),
    bytes: 9384,
    sha256: 'ec182b70dd42113aff6c5372c75cac58c952443eb22322f57bbd7f53977d497d',
  },
];

const CTC_REPO = 'https://huggingface.co/istupakov/parakeet-ctc-0.6b-onnx';

export const MODEL_CATALOG: readonly CatalogEntry[] = [
  {
    id: 'parakeet-tdt-0.6b-v2-int8',
    title: 'NVIDIA Parakeet TDT 0.6B v2 (English, int8)',
    family: 'nemo-tdt',
    language: 'en',
    licence: CC_BY_4,
    source: `${TDT_V2_REPO}/tree/${TDT_V2_REV}`,
    expectedVramMiB: 1200,
    files: [
      ...TDT_V2_COMMON,
      {
        name: 'encoder-model.int8.onnx',
        url: tdtV2('encoder-model.int8.onnx'),
        bytes: 652_184_014,
        sha256: '3e0581fda6ab843888b51e56d7ee78b6d5bc3237ec113af1f732d1d5286aa155',
      },
      {
        name: 'decoder_joint-model.int8.onnx',
        url: tdtV2('decoder_joint-model.int8.onnx'),
        bytes: 8_998_286,
        sha256: 'a449f49acd68979d418651dd2dcb737cc0f1bf0225e009e29ee326354edbf7d3',
      },
    ],
    notes: 'Dynamically quantized: smallest download, made for the CPU.',
  },
  {
    id: 'parakeet-tdt-0.6b-v2-fp32',
    title: 'NVIDIA Parakeet TDT 0.6B v2 (English, fp32)',
    family: 'nemo-tdt',
    language: 'en',
    licence: CC_BY_4,
    source: `${TDT_V2_REPO}/tree/${TDT_V2_REV}`,
    expectedVramMiB: 3000,
    files: [
      ...TDT_V2_COMMON,
      {
        name: 'encoder-model.onnx',
        url: tdtV2('encoder-model.onnx'),
        bytes: 41_770_866,
        sha256: '3987bcd28175d829d12888a996a84e8f62a0e374d9ffd640662c1515adc679d3',
      },
      {
        // External weights: encoder-model.onnx names this file, so it must sit beside it under this name.
        name: 'encoder-model.onnx.data',
        url: tdtV2('encoder-model.onnx.data'),
        bytes: 2_435_420_160,
        sha256: '4dab7362d4874d85965045b1e41b2d61dd2cc0fb25671a7f6b3dc47bf120cc41',
      },
      {
        name: 'decoder_joint-model.onnx',
        url: tdtV2('decoder_joint-model.onnx'),
        bytes: 35_792_059,
        sha256: 'cbb52a07bd70ab5b67f8439d4b3cd8704b18467b4430bcacb5adabe154b8d191',
      },
    ],
    notes: 'Full precision: the one to run on a GPU.',
  },
  {
    id: 'parakeet-ctc-0.6b',
    title: 'NVIDIA Parakeet CTC 0.6B (English, fp32)',
    family: 'nemo-ctc',
    language: 'en',
    licence: CC_BY_4,
    source: CTC_REPO,
    expectedVramMiB: 3000,
    // One public manifest lists these checksums (unpinned "main"), none lists sizes: not confirmed.
    files: [
      {
        name: 'model.onnx',
        url: `${CTC_REPO}/resolve/main/model.onnx`,
        bytes: null,
        sha256: '4d2866ba5d0162d870776bad53991f29dac04238d1d7b1e02874b43ebc5c702a',
        unverified: true,
      },
      {
        name: 'model.onnx.data',
        url: `${CTC_REPO}/resolve/main/model.onnx.data`,
        bytes: null,
        sha256: 'e1951d4e0bdcde6e3059b8796140d98d73b3b9c7bee1adbc60505ceb09b9473f',
        unverified: true,
      },
      {
        name: 'vocab.txt',
        url: `${CTC_REPO}/resolve/main/vocab.txt`,
        bytes: null,
        sha256: 'ed16e1a4e3a3aa379138c0b1888e5d49f993c9d512b2be4d46e90a87afd54921',
        unverified: true,
      },
    ],
    notes: 'No config.json is fetched: onnx-asr defaults apply (80 mel bins, 8× subsampling).',
  },
  {
    id: 'tiny-ctc',
    title: 'Swictation tiny CTC (44-word closed vocabulary, self-test)',
    family: 'nemo-ctc',
    language: 'en',
    licence: { name: 'MIT', url: 'https://opensource.org/license/mit' },
    source: 'built by this project (build/fixtures/tiny-ctc)',
    expectedVramMiB: 16,
    files: [],
    bundledDir: 'test/fixtures/models/tiny-ctc',
    notes: 'Shipped with the app; recognises only its closed vocabulary.',
  },
];

export function catalogEntry(id: string): CatalogEntry {
  const entry = MODEL_CATALOG.find((e) => e.id === id);
  if (!entry)
    throw new Error(`no model "${id}" in the catalog (known: ${MODEL_CATALOG.map((e) => e.id).join(', ')})`);
  return entry;
}

/** Total download size, or null when a file's size is unknown. */
export function downloadBytes(entry: CatalogEntry): number | null {
  let total = 0;
  for (const f of entry.files) {
    if (f.bytes === null) return null;
    total += f.bytes;
  }
  return total;
}

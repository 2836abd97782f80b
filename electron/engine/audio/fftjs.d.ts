// fft.js (MIT, radix-4 FFT) ships no typings: the part of its API that features.ts uses.
declare module 'fft.js' {
  type NumberArray = number[] | Float64Array | Float32Array;
  export default class FFT {
    constructor(size: number);
    readonly size: number;
    createComplexArray(): number[];
    /** Real-input FFT: fills out[0 .. size + 1] (bins 0 .. size/2, interleaved re/im). */
    realTransform(out: NumberArray, data: NumberArray): void;
    completeSpectrum(spectrum: NumberArray): void;
    transform(out: NumberArray, data: NumberArray): void;
    inverseTransform(out: NumberArray, data: NumberArray): void;
  }
}

/** The worklet processor's registered name, shared by the worklet file and the page that loads it. */
export const CAPTURE_PROCESSOR = 'swictation-capture';

/** Token budget of every training and inference text: an utterance of up to ~8 s fits; longer text is cut. */
export const TRAIN_MAX_TOKENS = 64;

/** Hands a command's exit status back to `main`. */
export type Finish = (code: number) => void;

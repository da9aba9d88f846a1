/** The oldest Node that runs citypulse's .ts files directly. */
export declare const MIN_NODE: readonly [number, number, number];
/** Null when `version` can run citypulse, else the one line naming the Node needed and how to get it. */
export declare function nodeVersionProblem(version: string): string | null;
/** Prints the problem and exits 1 when this Node is too old. */
export declare function requireNode(): void;

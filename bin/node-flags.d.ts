/** The V8 flags citypulse's launchers run Node with (see node-flags.js). */
export declare const NODE_FLAGS: readonly string[];

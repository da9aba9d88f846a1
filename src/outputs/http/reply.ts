/** What a route answers; the server adds the common headers (CORS, caching, length) and writes it. */
export interface Reply {
  /** Default 200. */
  status?: number;
  contentType: string;
  body: string | Buffer;
  /** Cache-Control max-age in seconds; 0 or absent → `no-store`. */
  maxAge?: number;
  /** Extra headers. */
  headers?: Record<string, string>;
}

/** A JSON reply (`application/json`, or a subtype such as `application/geo+json`). */
export function jsonReply(body: unknown, maxAge = 0, contentType = 'application/json'): Reply {
  return { contentType: `${contentType}; charset=utf-8`, body: JSON.stringify(body), maxAge };
}

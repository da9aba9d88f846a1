import type { WatchedArea } from '../../alerts/engine/watched-area.ts';
import type { DashboardPage } from './dashboard-page.ts';
import type { QueryCatalogue } from './query-catalogue.ts';
import type { QueryRunner } from './query-runner.ts';
import type { Reply } from './reply.ts';

/** What the routes work with: the database (through the runner) and the server's limits. */
export interface ApiContext {
  runner: QueryRunner;
  catalogue: QueryCatalogue;
  page: DashboardPage;
  /** The database file (only its name is shown to clients). */
  dbPath: string;
  k: number;
  maxRows: number;
  maxFeatures: number;
  /** Cache-Control max-age of data responses, s. */
  cacheSeconds: number;
  version: string;
  startedAt: number;
  /** Watched areas served by `/api/v1/areas` (`citypulse serve --areas FILE`). Default none. */
  areas?: readonly WatchedArea[];
}

/** One request as a route sees it. */
export interface RouteRequest {
  /** Path parameters (`:system` → `params.system`), URL-decoded. */
  params: Record<string, string>;
  query: URLSearchParams;
}

/** A GET route: a path with `:name` segments and its handler. */
export interface Route {
  path: string;
  handler(req: RouteRequest): Promise<Reply>;
}

/** A process's resident memory by kind of mapping, in bytes (from `/proc/<pid>/smaps`). */
export interface SmapsMemory {
  /** `[heap]`: glibc malloc's main arena (grown with brk). */
  brk: number;
  /**
   * Anonymous read-write mappings that begin a 64 MiB-aligned, 64 MiB reservation (the mapping plus
   * the PROT_NONE rest after it): glibc malloc's other arenas (`HEAP_MAX_SIZE` on 64-bit).
   */
  arenas: number;
  /** Every other anonymous mapping: V8's heap pages, DuckDB's jemalloc, large malloc'd blocks, stacks. */
  anonOther: number;
  /** File-backed mappings: code of node, libduckdb and the other libraries. */
  file: number;
  /** Sum of the above: the process's RSS as smaps counts it. */
  total: number;
}

const ARENA = 64 * 2 ** 20;
const HEADER = /^([0-9a-f]+)-([0-9a-f]+) (\S{4}) \S+ \S+ (\d+)\s*(.*)$/;

/**
 * Splits a `/proc/<pid>/smaps` text (proc(5)) by kind of mapping (see {@link SmapsMemory}): the part
 * of a process's RSS that none of V8's, DuckDB's or Node's own counters names shows up as glibc's
 * arenas or as other anonymous memory, and its growth is told apart from the heaps it sits beside.
 * Returns `null` for text with no mapping (the process was not readable).
 *
 * @example smapsMemory(readFileSync(`/proc/${pid}/smaps`, 'utf8'))?.arenas
 */
export function smapsMemory(text: string): SmapsMemory | null {
  interface Mapping { start: bigint; end: bigint; perms: string; inode: string; name: string; rss: number }
  const maps: Mapping[] = [];
  for (const line of text.split('\n')) {
    const h = HEADER.exec(line);
    if (h) {
      maps.push({ start: BigInt(`0x${h[1]}`), end: BigInt(`0x${h[2]}`), perms: h[3]!, inode: h[4]!, name: h[5]!.trim(), rss: 0 });
      continue;
    }
    if (line.startsWith('Rss:') && maps.length > 0) maps.at(-1)!.rss = Number(/(\d+)/.exec(line)?.[1] ?? 0) * 1024;
  }
  if (maps.length === 0) return null;
  const out: SmapsMemory = { brk: 0, arenas: 0, anonOther: 0, file: 0, total: 0 };
  for (let i = 0; i < maps.length; i++) {
    const m = maps[i]!;
    out.total += m.rss;
    if (m.name === '[heap]') out.brk += m.rss;
    else if (m.inode !== '0') out.file += m.rss;
    else if (m.name === '' && m.perms === 'rw-p' && m.start % BigInt(ARENA) === 0n && isArena(m, maps[i + 1])) out.arenas += m.rss;
    else out.anonOther += m.rss;
  }
  return out;
}

/** A 64 MiB glibc heap: the mapping alone, or it and the PROT_NONE mapping right after it. */
function isArena(m: { start: bigint; end: bigint }, next: { start: bigint; end: bigint; perms: string; name: string; inode: string } | undefined): boolean {
  const size = m.end - m.start;
  if (size === BigInt(ARENA)) return true;
  return !!next && next.start === m.end && next.perms === '---p' && next.inode === '0' && next.name === '' && next.end - m.start === BigInt(ARENA);
}

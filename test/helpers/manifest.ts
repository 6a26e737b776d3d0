/**
 * The shape of `fixtures/phoenix/<version>/manifest.json`: what real Elixir recorded about each
 * captured adapter payload. One definition for every test that checks against it.
 */

/** The manifest's JSON rendering of terms (see its `term_json_mapping`). */
export type TermJson =
  | number
  | string
  | TermJson[]
  | { atom: string }
  | { bigint: string }
  | { tuple: TermJson[] }
  | { map: Array<[TermJson, TermJson]> }
  | { pid: { node: string } }
  | Record<string, unknown>;

export interface ManifestEntry {
  file: string;
  channel: string;
  operation: string;
  label: string;
  wire_compressed: boolean;
  size: number;
  topic: string;
  /** What Elixir's `inspect` printed for the whole payload. */
  inspect: string;
  envelope: {
    vsn: number;
    mode?: { atom: string };
    node_name?: { atom: string } | string;
    dispatcher?: { atom: string };
    node_ref_hex?: string;
    fastlane?: { atom: string };
    pool_size?: number;
    from_pid?: { atom: string } | { pid: { node: string } };
  };
  term_json: TermJson;
}

export interface Manifest {
  adapter: string;
  files: ManifestEntry[];
}

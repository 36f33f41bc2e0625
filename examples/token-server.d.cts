export interface TokenServer {
  url: string;
  /** What the server has answered so far. */
  stats: { signIns: number; refreshes: number; refused: number; unauthorized: number };
  /** Every token issued so far stops working, as after a password change. */
  revokeSession(): void;
  close(): Promise<void>;
}

export function startTokenServer(options?: { accessTtlMs?: number }): Promise<TokenServer>;

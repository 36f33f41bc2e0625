// axios-concurrency ships no types; only what the interop suite calls is declared.
declare module 'axios-concurrency' {
  import type { AxiosInstance } from 'axios';

  export function ConcurrencyManager(axios: AxiosInstance, maxConcurrent?: number): { detach(): void };
}

import Module from 'node:module';

/**
 * jose 6 is an ES module only, which jest's CommonJS runtime cannot `require` before Node 24.9.
 * Node's own loader can (require of ES modules, Node 20.19+), so jose is loaded through it,
 * outside jest's module registry. It verifies proofs here as a server would: independently.
 */
type NodeLoader = { _load(request: string, parent: null): unknown };
export const jose = (Module as unknown as NodeLoader)._load(require.resolve('jose'), null) as typeof import('jose');

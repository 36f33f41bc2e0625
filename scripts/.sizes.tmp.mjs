import * as esbuild from 'esbuild';
import { gzipSync } from 'node:zlib';
const entry = process.argv[2] ?? 'src/index.ts';
const r = await esbuild.build({ stdin: { contents: `export { createAuthInterceptor } from './${entry}'`, resolveDir: process.cwd(), loader: 'ts' }, bundle: true, minify: true, format: 'esm', platform: 'browser', external: ['axios', 'axios-auth-interceptor/dpop'], write: false, metafile: true, target: 'es2020' });
const out = r.outputFiles[0].contents;
console.log('total gzip', gzipSync(out).length, 'raw', out.length);
const inputs = Object.values(r.metafile.outputs)[0].inputs;
for (const [f, v] of Object.entries(inputs).sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput)) console.log(v.bytesInOutput, f);

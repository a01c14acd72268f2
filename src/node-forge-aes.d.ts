// node-forge's single-block AES entry points (lib/aes.js exports forge.aes). @types/node-forge
// does not describe this subpath.
declare module 'node-forge/lib/aes.js' {
  const aes: {
    _expandKey(key: number[], decrypt: boolean): number[];
    _updateBlock(w: number[], input: number[], output: number[], decrypt: boolean): void;
  };
  export default aes;
}

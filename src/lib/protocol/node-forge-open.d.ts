// node-forge submodules open.ts imports one by one (HMAC-SHA256, AES-GCM), so the browser bundle
// carries only these and not the whole of forge. @types/node-forge describes only the root module.
declare module 'node-forge/lib/hmac.js' {
  interface Hmac {
    start(md: string, key: string): void;
    update(bytes: string): void;
    digest(): { getBytes(): string };
  }
  const hmac: { create(): Hmac };
  export default hmac;
}
declare module 'node-forge/lib/sha256.js' {
  const sha256: unknown;
  export default sha256;
}
declare module 'node-forge/lib/cipher.js' {
  interface ByteBuffer {
    getBytes(): string;
  }
  interface Decipher {
    start(options: { iv: string; additionalData?: string; tagLength?: number; tag?: string }): void;
    update(input: unknown): void;
    finish(): boolean;
    output: ByteBuffer;
  }
  const cipher: { createDecipher(algorithm: string, key: string): Decipher };
  export default cipher;
}
declare module 'node-forge/lib/util.js' {
  const util: { createBuffer(input?: string, encoding?: string): unknown };
  export default util;
}

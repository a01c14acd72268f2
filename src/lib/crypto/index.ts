// The CBC engine: pure, runs unchanged in the browser and in Node.
export * from './errors';
export * from './bytes';
export * from './key-length';
export * from './pkcs7';
export * from './aes-block';
export * from './cbc';
export * from './wire';

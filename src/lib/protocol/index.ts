// The wire protocol (docs/protocol.md): pure, runs unchanged in the browser and in Node.
export * from './errors';
export * from './frame';
export * from './line';
export * from './line-message';
export * from './decoder';
export * from './dissect';
export * from './suite-keys';
export * from './name';

export * from './coded-error';
export * from './codes';
export * from './out-of-range';

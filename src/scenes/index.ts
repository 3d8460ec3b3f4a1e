/** Scenes: claims with arms (types), their definitions, and the pure verdict. */
export * from './types';
export * from './definitions';
export * from './verdict';
export * from './trained';

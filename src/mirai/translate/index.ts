export * from './contacts';
export * from './chain';
export * from './mirai-code';
export * from './events';

export * from './roles';
export * from './api-keys';
export * from './device-credentials';
export * from './topic-acl';
export * from './mosquitto-files';
export * from './emqx';

/** The gRPC packages, loaded when a Nezha dashboard is first built (never for a Komari-only bridge). */
import type * as Grpc from '@grpc/grpc-js';
import type * as ProtoLoader from '@grpc/proto-loader';
import { lazyModule } from '../../lazy-module.js';

export const grpcJs = lazyModule<typeof Grpc>('@grpc/grpc-js');
export const protoLoader = lazyModule<typeof ProtoLoader>('@grpc/proto-loader');

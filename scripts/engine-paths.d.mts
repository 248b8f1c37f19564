export declare const PROJECT: string;
export declare const TEMPORAL_CLI_VERSION: string;
export declare const TEST_SERVER_VERSION: string;
export declare const TEMPORAL_SERVER_VERSION: string;
export declare const TEMPORAL_UI_VERSION: string;
export declare function cacheDir(): string;
export declare function manifestPath(): string;
export declare function readEnginePaths(): { temporalCli: string; testServer: string };
export declare function readServerPaths(): { temporalServer: string; sqlTool: string; schemaDir: string; uiServer: string };

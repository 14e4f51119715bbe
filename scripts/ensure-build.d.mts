export declare const root: string;
export declare const nextBin: string;
export declare const distDir: string;
export declare function sourceDigest(): string;
export declare function ensureBuild(opts?: { force?: boolean }): boolean;

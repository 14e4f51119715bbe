// The official API-gateway client ships no types: the part the tests use.
declare module 'aliyun-api-gateway' {
  interface RequestOptions {
    data?: unknown;
    query?: Record<string, string>;
    headers?: Record<string, string>;
    signHeaders?: Record<string, string>;
    timeout?: number;
  }
  export class Client {
    constructor(appKey: string, appSecret: string, stage?: string);
    get(url: string, opts?: RequestOptions): Promise<any>;
    post(url: string, opts?: RequestOptions): Promise<any>;
  }
  export class SimpleClient {
    constructor(appCode: string);
    get(url: string, opts?: RequestOptions): Promise<any>;
    post(url: string, opts?: RequestOptions): Promise<any>;
  }
  export const CONTENT_TYPE_FORM: string;
}

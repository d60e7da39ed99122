// Generated from the gateway's OpenAPI document by scripts/api-schema.ts (`npm run api:schema`): do not edit.
// The console names the types it uses in src/api.ts.

export interface paths {
    "/health/live": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness: the process is up */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            status: "ok";
                        };
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Liveness: the process is up
         * @description The same as `/health/live`.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            status: "ok";
                        };
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness: Redis and every service answer, and model prices are known
         * @description Answers 503 with the failing dependencies when any is down. `prices` is down until the gateway has fetched the model price table from the budget service (proxied calls are 503 until then); once fetched, the last table is kept through a budget outage.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            status: "ok" | "unavailable";
                            checks: {
                                [key: string]: "ok" | "down";
                            };
                        };
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health/detailed": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Each dependency's status, latency and version, the services' uptime and outbox backlogs, and the gateway's version, uptime and request and 5xx counts
         * @description Always 200 once the caller is let in: a dependency that is down shows `status: "down"` with its error, and the whole `status: "degraded"`. Each service reports its release, uptime and outbox backlogs (counted in its database) from the replica that answered. The gateway counts the requests it has answered and the 5xx among them since it started: two readings a known time apart give its request and error rates. Callers: users and their API tokens of role admin.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["DetailedHealth"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/proxy/{provider}/{path}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * GET to an LLM provider through the agent's budget
         * @description Forwards the request to the provider's base URL with the stored provider key injected (the client never sees it) and streams the answer back (SSE included). Before anything is sent the call holds its own worst case on the budget: the request body's bytes as input tokens (never fewer than the provider bills) plus its output bound (`max_tokens`, `max_completion_tokens` or `max_output_tokens`; when absent the proxy sets the largest that fits what remains, at most the service's default), priced from the model price table. The hold is taken in the agent's escrow in this gateway (money it set aside from the budget, atomically, so holds on every gateway together never pass the limit): no round trip to the budget service unless the escrow must grow. 402 budget_exhausted when it cannot fit, 429 when the agent is at its limit on calls in flight or tokens per minute, 400 model_not_priced for a model without a price and 400 endpoint_not_priced for a path other than chat/completions, completions, embeddings, responses (OpenAI style) or v1/messages (Anthropic) — unless an admin set a price per call for it (`PUT /v1/call-prices/{provider}/{path}`): such a call is sent as it came, holds that price, and is charged it once answered. The call is then settled to its priced usage; when the usage cannot be known (none in the answer, the answer cut off, the client gone mid-stream, the provider stopping after the request was sent) the whole hold is charged. A provider error status or a provider never reached releases the hold. Charges reach the ledger within about ESCROW_SYNC_MS; a gateway that dies has its escrows charged whole when they expire. Non-stream answers carry X-Tollgate-Cost-Usd and X-Tollgate-Remaining-Usd; streams end with an SSE comment line `: tollgate cost_usd=… remaining_usd=…`. An OpenAI-style stream that did not ask for usage is sent exactly as without Tollgate (the usage chunk the proxy asks for is not passed on). Provider 429s pass through with their Retry-After; an unreachable provider is 503, one that stops answering 504. Callers: agents (scope `proxy:invoke`).
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    provider: string;
                    /** @description the provider API path, e.g. chat/completions */
                    path: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "*/*": unknown;
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description budget_exhausted */
                402: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description gateway_timeout */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        /**
         * PUT to an LLM provider through the agent's budget
         * @description Forwards the request to the provider's base URL with the stored provider key injected (the client never sees it) and streams the answer back (SSE included). Before anything is sent the call holds its own worst case on the budget: the request body's bytes as input tokens (never fewer than the provider bills) plus its output bound (`max_tokens`, `max_completion_tokens` or `max_output_tokens`; when absent the proxy sets the largest that fits what remains, at most the service's default), priced from the model price table. The hold is taken in the agent's escrow in this gateway (money it set aside from the budget, atomically, so holds on every gateway together never pass the limit): no round trip to the budget service unless the escrow must grow. 402 budget_exhausted when it cannot fit, 429 when the agent is at its limit on calls in flight or tokens per minute, 400 model_not_priced for a model without a price and 400 endpoint_not_priced for a path other than chat/completions, completions, embeddings, responses (OpenAI style) or v1/messages (Anthropic) — unless an admin set a price per call for it (`PUT /v1/call-prices/{provider}/{path}`): such a call is sent as it came, holds that price, and is charged it once answered. The call is then settled to its priced usage; when the usage cannot be known (none in the answer, the answer cut off, the client gone mid-stream, the provider stopping after the request was sent) the whole hold is charged. A provider error status or a provider never reached releases the hold. Charges reach the ledger within about ESCROW_SYNC_MS; a gateway that dies has its escrows charged whole when they expire. Non-stream answers carry X-Tollgate-Cost-Usd and X-Tollgate-Remaining-Usd; streams end with an SSE comment line `: tollgate cost_usd=… remaining_usd=…`. An OpenAI-style stream that did not ask for usage is sent exactly as without Tollgate (the usage chunk the proxy asks for is not passed on). Provider 429s pass through with their Retry-After; an unreachable provider is 503, one that stops answering 504. Callers: agents (scope `proxy:invoke`).
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    provider: string;
                    /** @description the provider API path, e.g. chat/completions */
                    path: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "*/*": unknown;
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description budget_exhausted */
                402: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description gateway_timeout */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        /**
         * POST to an LLM provider through the agent's budget
         * @description Forwards the request to the provider's base URL with the stored provider key injected (the client never sees it) and streams the answer back (SSE included). Before anything is sent the call holds its own worst case on the budget: the request body's bytes as input tokens (never fewer than the provider bills) plus its output bound (`max_tokens`, `max_completion_tokens` or `max_output_tokens`; when absent the proxy sets the largest that fits what remains, at most the service's default), priced from the model price table. The hold is taken in the agent's escrow in this gateway (money it set aside from the budget, atomically, so holds on every gateway together never pass the limit): no round trip to the budget service unless the escrow must grow. 402 budget_exhausted when it cannot fit, 429 when the agent is at its limit on calls in flight or tokens per minute, 400 model_not_priced for a model without a price and 400 endpoint_not_priced for a path other than chat/completions, completions, embeddings, responses (OpenAI style) or v1/messages (Anthropic) — unless an admin set a price per call for it (`PUT /v1/call-prices/{provider}/{path}`): such a call is sent as it came, holds that price, and is charged it once answered. The call is then settled to its priced usage; when the usage cannot be known (none in the answer, the answer cut off, the client gone mid-stream, the provider stopping after the request was sent) the whole hold is charged. A provider error status or a provider never reached releases the hold. Charges reach the ledger within about ESCROW_SYNC_MS; a gateway that dies has its escrows charged whole when they expire. Non-stream answers carry X-Tollgate-Cost-Usd and X-Tollgate-Remaining-Usd; streams end with an SSE comment line `: tollgate cost_usd=… remaining_usd=…`. An OpenAI-style stream that did not ask for usage is sent exactly as without Tollgate (the usage chunk the proxy asks for is not passed on). Provider 429s pass through with their Retry-After; an unreachable provider is 503, one that stops answering 504. Callers: agents (scope `proxy:invoke`).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    provider: string;
                    /** @description the provider API path, e.g. chat/completions */
                    path: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "*/*": unknown;
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description budget_exhausted */
                402: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description gateway_timeout */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        /**
         * DELETE to an LLM provider through the agent's budget
         * @description Forwards the request to the provider's base URL with the stored provider key injected (the client never sees it) and streams the answer back (SSE included). Before anything is sent the call holds its own worst case on the budget: the request body's bytes as input tokens (never fewer than the provider bills) plus its output bound (`max_tokens`, `max_completion_tokens` or `max_output_tokens`; when absent the proxy sets the largest that fits what remains, at most the service's default), priced from the model price table. The hold is taken in the agent's escrow in this gateway (money it set aside from the budget, atomically, so holds on every gateway together never pass the limit): no round trip to the budget service unless the escrow must grow. 402 budget_exhausted when it cannot fit, 429 when the agent is at its limit on calls in flight or tokens per minute, 400 model_not_priced for a model without a price and 400 endpoint_not_priced for a path other than chat/completions, completions, embeddings, responses (OpenAI style) or v1/messages (Anthropic) — unless an admin set a price per call for it (`PUT /v1/call-prices/{provider}/{path}`): such a call is sent as it came, holds that price, and is charged it once answered. The call is then settled to its priced usage; when the usage cannot be known (none in the answer, the answer cut off, the client gone mid-stream, the provider stopping after the request was sent) the whole hold is charged. A provider error status or a provider never reached releases the hold. Charges reach the ledger within about ESCROW_SYNC_MS; a gateway that dies has its escrows charged whole when they expire. Non-stream answers carry X-Tollgate-Cost-Usd and X-Tollgate-Remaining-Usd; streams end with an SSE comment line `: tollgate cost_usd=… remaining_usd=…`. An OpenAI-style stream that did not ask for usage is sent exactly as without Tollgate (the usage chunk the proxy asks for is not passed on). Provider 429s pass through with their Retry-After; an unreachable provider is 503, one that stops answering 504. Callers: agents (scope `proxy:invoke`).
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    provider: string;
                    /** @description the provider API path, e.g. chat/completions */
                    path: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "*/*": unknown;
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description budget_exhausted */
                402: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description gateway_timeout */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /**
         * PATCH to an LLM provider through the agent's budget
         * @description Forwards the request to the provider's base URL with the stored provider key injected (the client never sees it) and streams the answer back (SSE included). Before anything is sent the call holds its own worst case on the budget: the request body's bytes as input tokens (never fewer than the provider bills) plus its output bound (`max_tokens`, `max_completion_tokens` or `max_output_tokens`; when absent the proxy sets the largest that fits what remains, at most the service's default), priced from the model price table. The hold is taken in the agent's escrow in this gateway (money it set aside from the budget, atomically, so holds on every gateway together never pass the limit): no round trip to the budget service unless the escrow must grow. 402 budget_exhausted when it cannot fit, 429 when the agent is at its limit on calls in flight or tokens per minute, 400 model_not_priced for a model without a price and 400 endpoint_not_priced for a path other than chat/completions, completions, embeddings, responses (OpenAI style) or v1/messages (Anthropic) — unless an admin set a price per call for it (`PUT /v1/call-prices/{provider}/{path}`): such a call is sent as it came, holds that price, and is charged it once answered. The call is then settled to its priced usage; when the usage cannot be known (none in the answer, the answer cut off, the client gone mid-stream, the provider stopping after the request was sent) the whole hold is charged. A provider error status or a provider never reached releases the hold. Charges reach the ledger within about ESCROW_SYNC_MS; a gateway that dies has its escrows charged whole when they expire. Non-stream answers carry X-Tollgate-Cost-Usd and X-Tollgate-Remaining-Usd; streams end with an SSE comment line `: tollgate cost_usd=… remaining_usd=…`. An OpenAI-style stream that did not ask for usage is sent exactly as without Tollgate (the usage chunk the proxy asks for is not passed on). Provider 429s pass through with their Retry-After; an unreachable provider is 503, one that stops answering 504. Callers: agents (scope `proxy:invoke`).
         */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    provider: string;
                    /** @description the provider API path, e.g. chat/completions */
                    path: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "*/*": unknown;
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description budget_exhausted */
                402: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description gateway_timeout */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/agents": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the agents you see (an agent credential sees only itself)
         * @description Managers and admins see every agent; other people see agents outside every project, their own, and their projects' agents. Callers: users and their API tokens of role viewer or above (API-token scope `agents:read`); agents.
         */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    /** @description Opaque: the previous page's `next_cursor`, as it was returned. Any other value is 400 `validation_failed`; empty starts at the top. */
                    cursor?: string;
                    /** @description Only this project's agents (a project you see; 404 otherwise) */
                    project_id?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["Agent"][];
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Create an agent with its budget and credential
         * @description The agent's `tg_agt_` credential is returned once, in `token`. `budget_usd` is at most MAX_BUDGET_USD (default 10,000); a member's at most SELF_SERVICE_BUDGET_USD (default 10) — more is 403 `approval_required`: create it with that and file a budget request. Callers: users and their API tokens of role member or above (API-token scope `agents:write`).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                        description?: string;
                        /**
                         * @description Decimal USD, at most 6 decimals; at most MAX_BUDGET_USD (default 10,000)
                         * @example 25.5
                         */
                        budget_usd: number;
                        providers?: string[];
                        /** @description The project it belongs to: one you are an owner or member of (a viewer gets 403; a project you do not see, 404) */
                        project_id?: string;
                    };
                };
            };
            responses: {
                /** @description Success */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CreatedAgent"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description payload_too_large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unsupported_media_type */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/agents/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get an agent with its budget
         * @description Callers: users and their API tokens of role viewer or above (API-token scope `agents:read`); agents.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Agent"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /**
         * Delete an agent: its credential stops working at once, its ledger is kept (owner or admin)
         * @description Revokes the agent's `tg_agt_` credential, disables its budget (no new lease or proxied call is granted; calls already in flight are still charged), releases its open leases and cancels its pending budget requests. The agent then answers 404 everywhere, as an unknown one; its spend stays in the ledger and in analytics. Audited `agent.deleted`. Callers: users and their API tokens of role member or above (API-token scope `agents:write`).
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description No content */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /**
         * Rename, describe, disable or re-enable an agent, or set its proxy limits and budget alerts (owner or admin)
         * @description Callers: users and their API tokens of role member or above (API-token scope `agents:write`).
         */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name?: string;
                        description?: string;
                        disabled?: boolean;
                        /** @description Proxied calls in flight at once (429 beyond); 0: the service's default */
                        max_parallel_calls?: number;
                        /** @description Tokens a minute through the proxy (429 once used up); 0: the service's default */
                        tokens_per_minute?: number;
                        /** @description Replaces the alert thresholds: percentages of the limit (e.g. [50, 80, 100]) whose crossing is audited `budget.threshold`, once a period each; [] for none */
                        alert_thresholds?: number[];
                    };
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Agent"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description payload_too_large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unsupported_media_type */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/agents/{id}/budget": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * An agent's budget: limit, spent in the current period, reserved, remaining, and its period
         * @description Callers: users and their API tokens of role viewer or above (API-token scope `budgets:read`); agents (scope `budgets:read`).
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Budget"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        /**
         * Set an agent's limit and/or period (managers and admins)
         * @description Raises or lowers the limit — never below what is already spent and reserved (409, with `minimum_usd` in the details) — and/or sets the period: `day`, `week` (from Monday) or `month` start the spend again at each calendar boundary, UTC; the spend so far counts toward the current period. Recorded in the budget history (kind `set`) and audited `budget.limit.changed`. Callers: users and their API tokens of role manager or above (API-token scope `budgets:write`).
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /**
                         * @description Decimal USD, at most 6 decimals; no less than spent + reserved when lowering
                         * @example 25.5
                         */
                        limit_usd?: number;
                        /** @enum {string} */
                        period?: "none" | "day" | "week" | "month";
                        reason: string;
                    } | unknown | unknown;
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Budget"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description conflict */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description payload_too_large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unsupported_media_type */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/agents/{id}/budget/reset": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start a new period of an agent's budget now: the spend starts again from zero (managers and admins)
         * @description What the closed period spent stays in the ledger and in the budget history (kind `reset`, `closed_spent_usd`); what is reserved for calls in flight stays reserved. Audited `budget.reset`. Callers: users and their API tokens of role manager or above (API-token scope `budgets:write`).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        reason: string;
                    };
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Budget"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description payload_too_large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unsupported_media_type */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/agents/{id}/budget/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Changes to an agent's budget limit, with who approved them
         * @description Callers: users and their API tokens of role viewer or above (API-token scope `budgets:read`); agents (scope `budgets:read`).
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["BudgetHistory"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/agents/{id}/ledger": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * An agent's recent ledger entries, newest first: its charges, limit changes and period boundaries
         * @description Every charge (a usage report, or a proxied call once its gateway has synced it: every ESCROW_SYNC_MS, 500 ms by default), every change of the limit or period and every reset (`limit_change`, as in the budget history), and every period boundary (`period`). Holds, releases and escrow resizes are not listed: they set money aside for calls in flight (the budget's `reserved_usd`) and spend nothing; nor are alerts and profile changes. A page reads at most 256 entries of the journal, so an agent whose recent entries are mostly reservations may get fewer items than `limit`, or none, with a `next_cursor`: follow it until it is null. Callers: users and their API tokens of role viewer or above (API-token scope `budgets:read`); agents (scope `budgets:read`).
         */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    /** @description Opaque: the previous page's `next_cursor`, as it was returned. Any other value is 400 `validation_failed`; empty starts at the top. */
                    cursor?: string;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["LedgerEntry"][];
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analytics/spend": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Spend from the usage ledger, grouped by agent, provider, model or day
         * @description Totals are kept per agent and UTC day (daily rollups of the ledger), so a request costs the same however many calls were made. `from` and `to` select whole UTC days: a timestamp selects the day it falls in. People see the spend of the agents they see (a project's agents: its members, managers and admins). Callers: users and their API tokens of role viewer or above (API-token scope `budgets:read`); agents (scope `budgets:read`).
         */
        get: {
            parameters: {
                query: {
                    group_by: "agent" | "provider" | "model" | "day";
                    /** @description A UTC date (yyyy-mm-dd), or an RFC 3339 timestamp standing for the UTC day it falls in; both bounds are inclusive */
                    from?: string;
                    /** @description A UTC date (yyyy-mm-dd), or an RFC 3339 timestamp standing for the UTC day it falls in; both bounds are inclusive */
                    to?: string;
                    agent_id?: string;
                    /** @description Only this project's agents (a project you see; 404 otherwise) */
                    project_id?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Spend"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List audit events, newest first
         * @description One request scans at most 16 pages of 256 events (4,096 events) of the log. With a filter that matches rarely, a response may hold fewer items than `limit`, or none, and still carry `next_cursor`: follow `next_cursor` until it is null to see every match. A null `next_cursor` means there is nothing more. `from`/`to` are inclusive RFC 3339 bounds on the event's `at`. Callers: users and their API tokens of role admin (API-token scope `audit:read`).
         */
        get: {
            parameters: {
                query?: {
                    actor_id?: string;
                    action?: string;
                    resource_type?: string;
                    resource_id?: string;
                    outcome?: "success" | "failure" | "denied";
                    from?: string;
                    to?: string;
                    limit?: number;
                    /** @description Opaque: the previous page's `next_cursor`, as it was returned. Any other value is 400 `validation_failed`; empty starts at the top. */
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["AuditEvent"][];
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit/events/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get one audit event
         * @description Callers: users and their API tokens of role admin (API-token scope `audit:read`).
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AuditEvent"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Recompute the hash chain
         * @description Checks every event whose time lies in [from, to] (all without bounds), in chain order, linked to the event before, in the hot log and the archive alike. With from/to, the events checked run from the lowest to the highest seq whose `at` is in the window, found by bisection over the log: an event delivered long after newer ones may fall outside a window; a check without bounds covers the whole chain. first_bad_id names the first event that does not fit: a modified one, or the one after a deleted or moved one. Callers: users and their API tokens of role admin (API-token scope `audit:read`).
         */
        get: {
            parameters: {
                query?: {
                    from?: string;
                    to?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AuditVerification"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Export audit events as NDJSON or CSV (streamed, oldest first)
         * @description NDJSON lines have the AuditEvent shape; CSV has a header row and details as a JSON column, and a cell that a spreadsheet would take for a formula (starting with =, +, -, @, a tab or a carriage return) is prefixed with '. Callers: users and their API tokens of role admin (API-token scope `audit:read`).
         */
        get: {
            parameters: {
                query?: {
                    actor_id?: string;
                    action?: string;
                    resource_type?: string;
                    resource_id?: string;
                    outcome?: "success" | "failure" | "denied";
                    from?: string;
                    to?: string;
                    format?: "ndjson" | "csv";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Log in with email and password
         * @description Sets the `tg_refresh` (HttpOnly, Secure, SameSite=Strict, Path=/v1/auth) and `tg_csrf` cookies. Unknown email, wrong password, disabled or locked account all answer 401 invalid_credentials. Failed attempts are limited per client IP (a short lock only that client feels) and per account per hour from all clients (429 with Retry-After). Only after a right password: 403 `password_login_disabled` when passwords are off for the account or the installation (sign in with a link or a passkey), and 403 `password_change_required` when an admin set a temporary password — send it again with `new_password` (the password policy applies) to replace it and sign in.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        email: string;
                        password: string;
                        /** @description Replaces a temporary password (see 403 password_change_required) */
                        new_password?: string;
                    };
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AuthResult"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description payload_too_large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unsupported_media_type */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/magic-link": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Email a sign-in link
         * @description Always 202 with the same body, at once, whether or not the address belongs to an account (nothing tells them apart, timing included). An active account that is not locked gets a mail with a link that signs in once, within MAGIC_LINK_TTL_SECONDS (15 minutes by default); the link opens `/console/magic-link#token=…`, and its token is what `POST /v1/auth/magic-link/verify` takes. Limited per address and per client IP (EMAIL_LINKS_PER_EMAIL, EMAIL_LINKS_PER_IP per EMAIL_LINK_WINDOW_SECONDS: 429 with Retry-After). 503 when no SMTP server is configured.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        email: string;
                    };
                };
            };
            responses: {
                /** @description Success */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["MagicLinkRequested"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description payload_too_large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unsupported_media_type */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/magic-link/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign in with a sign-in link's token
         * @description Answers exactly like login (and sets the same cookies). The token works once: used, expired, unknown, or for an account disabled or locked since it was sent, it is 401 invalid_credentials (the reason is in the audit log).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        token: string;
                    };
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AuthResult"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description payload_too_large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unsupported_media_type */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/password-reset": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Email a password-reset link
         * @description Always 202 with the same body, at once, whether or not the address belongs to an account. An active account that is not locked gets a mail with a link that works once within PASSWORD_RESET_TTL_SECONDS (30 minutes by default); it opens `/console/reset-password#token=…`, and its token is what `POST /v1/auth/password-reset/confirm` takes. Limited like sign-in links, counted apart (429 with Retry-After). 503 when no SMTP server is configured.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        email: string;
                    };
                };
            };
            responses: {
                /** @description Success */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PasswordResetRequested"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description payload_too_large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unsupported_media_type */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/password-reset/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Set a new password with a reset link's token
         * @description The new password must meet the password policy (400, and the link still works). The token works once: used, expired, unknown, or for an account disabled or locked since it was sent, it is 401 invalid_credentials. On success every session of the account ends (sign in again with the new password) and the account is mailed a notice.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        token: string;
                        new_password: string;
                    };
                };
            };
            responses: {
                /** @description No content */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description payload_too_large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unsupported_media_type */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Trade a refresh token for new tokens
         * @description Either the `tg_refresh` cookie with the `X-CSRF-Token` header (browsers), or `{"refresh_token"}` in the body. Answers like login, with a NEW refresh token: each one works once. Presenting a used one again revokes the whole session (401 refresh_token_reused).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        refresh_token?: string;
                    };
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AuthResult"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description payload_too_large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unsupported_media_type */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * End this session
         * @description Its refresh token dies and its access token is refused from now on (401 token_revoked). Callers: user sessions of role viewer or above.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description No content */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/logout-all": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * End every session of the signed-in user
         * @description Callers: user sessions of role viewer or above.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description No content */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The signed-in user
         * @description Callers: user sessions of role viewer or above.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["User"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change your own profile
         * @description Your display name, 1 to 100 characters (surrounding spaces are dropped), changes at once (audited as user.updated). A new `email` changes nothing yet: a link that confirms it is mailed to the new address (the answer shows the current one), working once within EMAIL_CHANGE_TTL_SECONDS (a day by default); `POST /v1/auth/email/confirm` takes its token. Limited like sign-in links (429). 409 when no SMTP server is configured. Callers: user sessions of role viewer or above.
         */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name?: string;
                        email?: string;
                    };
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["User"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description conflict */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description payload_too_large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unsupported_media_type */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/auth/email/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Confirm a new email address with its link's token
         * @description The account's address becomes the one the link was mailed to, and the old address is mailed a notice (audited as user.email_changed). The token works once: used, expired, unknown, or for an account disabled or locked since, it is 401 invalid_credentials. 409 when another account took the address meanwhile (the link is spent).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        token: string;
                    };
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["User"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description conflict */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description payload_too_large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unsupported_media_type */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Change your password
         * @description Needs the current password (403 if wrong). Every other session of yours ends. Wrong current passwords count like failed logins: per client IP and per account per hour (429 with Retry-After past the limit), and towards the account lockout (a locked account → 403). Callers: user sessions of role viewer or above.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        current_password: string;
                        new_password: string;
                    };
                };
            };
            responses: {
                /** @description No content */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description payload_too_large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unsupported_media_type */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Your live sessions
         * @description Callers: user sessions of role viewer or above.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["Session"][];
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/sessions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * End one session (yours, or anyone’s for an admin)
         * @description Callers: user sessions of role viewer or above.
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description No content */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/.well-known/jwks.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Public keys that verify access tokens (JWKS) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Jwks"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/signing-keys/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Rotate the access-token signing key
         * @description New access tokens are signed with a fresh ES256 key; tokens signed with the previous key keep verifying until they expire (the old public key stays in the JWKS), so nobody is logged out. Audited identity.signing_key.rotated. Callers: users and their API tokens of role admin (API-token scope `users:write`).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Jwk"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/budget-requests": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List budget requests, newest first
         * @description People see the requests of the agents they see; `project_id`: a project's requests and its agents' (a project you see). Callers: users and their API tokens of role viewer or above (API-token scope `budgets:read`); agents (scope `budgets:read`).
         */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    /** @description Opaque: the previous page's `next_cursor`, as it was returned. Any other value is 400 `validation_failed`; empty starts at the top. */
                    cursor?: string;
                    status?: "pending" | "approved" | "rejected" | "cancelled";
                    agent_id?: string;
                    project_id?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["BudgetRequest"][];
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Ask for more budget for an agent or a project
         * @description `requested_budget_usd` is the increase: more than 0 and at most MAX_BUDGET_REQUEST_USD (default 10,000), else 400 "Requested budget exceeds maximum allowed ($10,000)". Give `agent_id` (only the agent's owner or an admin may ask; with `project_id` too, that must be its project, else 404) or `project_id` alone (only the project's owners or an admin; 409 for a project without a budget). Nobody approves a raise of an agent or a project they own. Callers: users and their API tokens of role member or above (API-token scope `budgets:write`).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        agent_id?: string;
                        project_id?: string;
                        /**
                         * @description Decimal USD, at most 6 decimals; at most MAX_BUDGET_REQUEST_USD (default 10,000)
                         * @example 25.5
                         */
                        requested_budget_usd: number;
                        justification: string;
                    } | unknown | unknown;
                };
            };
            responses: {
                /** @description Success */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["BudgetRequest"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description conflict */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description payload_too_large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unsupported_media_type */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/budget-requests/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a budget request
         * @description Callers: users and their API tokens of role viewer or above (API-token scope `budgets:read`); agents (scope `budgets:read`).
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["BudgetRequest"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/budget-requests/{id}/approve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Approve a request: the agent's limit rises and the change is recorded
         * @description The approver is you (never a field of the body). Your own request, or a raise of an agent you own → 403; a request no longer pending → 409. Callers: users and their API tokens of role manager or above (API-token scope `budget_requests:approve`).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        note?: string;
                    };
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["BudgetRequest"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description conflict */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description payload_too_large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unsupported_media_type */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/budget-requests/{id}/reject": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Reject a request, with a reason
         * @description Callers: users and their API tokens of role manager or above (API-token scope `budget_requests:approve`).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        reason: string;
                    };
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["BudgetRequest"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description conflict */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description payload_too_large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unsupported_media_type */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/budget-requests/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Withdraw your own pending request
         * @description Callers: users and their API tokens of role viewer or above (API-token scope `budgets:write`).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["BudgetRequest"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description conflict */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/ip-rules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the IP allow and deny rules
         * @description A request is in scope `all` (every route but /health/*), in `admin` when only admins may call its route, and in `proxy` under /v1/proxy/. For each of its scopes: a deny rule matching the client IP refuses it, and when the scope has allow rules the IP must match one of them; a refusal is 403 ip_denied, before authentication. The client IP is the one the rate limits use (TRUST_PROXY). Every gateway follows a change within about a second; while identity is unreachable it keeps the last rules. Callers: users and their API tokens of role admin (API-token scope `users:read`).
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["IpRule"][];
                        };
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Add an IP allow or deny rule
         * @description A request is in scope `all` (every route but /health/*), in `admin` when only admins may call its route, and in `proxy` under /v1/proxy/. For each of its scopes: a deny rule matching the client IP refuses it, and when the scope has allow rules the IP must match one of them; a refusal is 403 ip_denied, before authentication. The client IP is the one the rate limits use (TRUST_PROXY). Every gateway follows a change within about a second; while identity is unreachable it keeps the last rules. A rule that would refuse your own IP on admin routes (a deny matching it, or an allow list in scope all or admin it is not on) is 409 unless `force: true`. Audited as ip_rule.created. Callers: users and their API tokens of role admin (API-token scope `users:write`).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /**
                         * @description IPv4 or IPv6 CIDR, or a bare address
                         * @example 203.0.113.0/24
                         */
                        cidr: string;
                        /** @enum {string} */
                        action: "allow" | "deny";
                        /** @enum {string} */
                        scope: "all" | "admin" | "proxy";
                        description?: string;
                        /** @description Add it even if it refuses your own IP on admin routes */
                        force?: boolean;
                    };
                };
            };
            responses: {
                /** @description Success */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["IpRule"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description conflict */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description payload_too_large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unsupported_media_type */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/ip-rules/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Delete an IP rule
         * @description Audited as ip_rule.deleted. Callers: users and their API tokens of role admin (API-token scope `users:write`).
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description No content */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/passkeys/registration/options": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start registering a passkey
         * @description For the signed-in user: a discoverable credential (it signs in without an address typed), one per authenticator. The challenge can be answered once, within PASSKEY_CHALLENGE_TTL_SECONDS (5 minutes by default). Callers: user sessions of role viewer or above.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PasskeyRegistrationOptions"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/passkeys/registration/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Finish registering a passkey
         * @description Takes the new credential. Its challenge must be this user's, unused and live, and its origin and relying party ours (WEBAUTHN_ORIGINS, WEBAUTHN_RP_ID); otherwise 400, and the ceremony starts again. A credential registered already is 409; at most 20 passkeys per user. Audited as auth.passkey.added (or auth.passkey.registration_failed); the account is mailed. Callers: user sessions of role viewer or above.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        response: components["schemas"]["PublicKeyCredentialJSON"];
                        name?: string;
                    };
                };
            };
            responses: {
                /** @description Success */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Passkey"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description conflict */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description payload_too_large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unsupported_media_type */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/passkeys/authentication/options": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start signing in with a passkey
         * @description For any discoverable passkey of this site (no address needed). The challenge can be answered once, within PASSKEY_CHALLENGE_TTL_SECONDS.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PasskeyAuthenticationOptions"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/passkeys/authentication/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign in with a passkey
         * @description Takes the credential navigator.credentials.get() gave and answers exactly like login (and sets the same cookies). An unknown, used or expired challenge, an unknown passkey, a signature that does not verify, a signature counter that went back (a cloned authenticator), or an account disabled or locked: 401 invalid_credentials, the reason in the audit log (auth.passkey.failed).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        response: components["schemas"]["PublicKeyCredentialJSON"];
                    };
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AuthResult"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description payload_too_large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unsupported_media_type */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/passkeys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Your passkeys
         * @description Callers: user sessions of role viewer or above.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["Passkey"][];
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/passkeys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Delete one of your passkeys
         * @description It no longer signs in. Audited as auth.passkey.removed; the account is mailed. Callers: user sessions of role viewer or above.
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description No content */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/prices": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List model prices, by provider and model
         * @description What proxied calls and usage reports are priced with: the table shipped with the budget service, overlaid with the prices admins set or removed. A model without an entry — and that is not a dated snapshot of one — is refused by the proxy with 400 model_not_priced. One page: the table is small. Callers: users and their API tokens of role viewer or above (API-token scope `budgets:read`).
         */
        get: {
            parameters: {
                query?: {
                    provider?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["Price"][];
                        };
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/prices/{provider}/{model}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Set a model's price
         * @description Decimal USD per million tokens, at most 6 decimals, from 0 to 1,000,000. Replaces a shipped price too; the model name is 1–200 printable characters without spaces. A change applies at once on the budget replica that records it and on the gateway it is made through, and on every other replica within a second; it is audited (price.set / price.removed, with the old and the new prices). Callers: users and their API tokens of role admin (API-token scope `budgets:write`).
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    provider: string;
                    /** @description The model name, URL-encoded (it may contain `.`, `:` and `/` as %2F) */
                    model: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /**
                         * @description Decimal USD, at most 6 decimals
                         * @example 25.5
                         */
                        input_usd_per_million: number;
                        /**
                         * @description Decimal USD, at most 6 decimals
                         * @example 25.5
                         */
                        output_usd_per_million: number;
                    };
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Price"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description payload_too_large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unsupported_media_type */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        post?: never;
        /**
         * Remove a model's price
         * @description Removes the model's own entry, a shipped one too: calls of it are then refused with 400 model_not_priced (a dated snapshot of a model still priced keeps that price). 404 when the model has no entry of its own. A change applies at once on the budget replica that records it and on the gateway it is made through, and on every other replica within a second; it is audited (price.set / price.removed, with the old and the new prices). Callers: users and their API tokens of role admin (API-token scope `budgets:write`).
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    provider: string;
                    /** @description The model name, URL-encoded (it may contain `.`, `:` and `/` as %2F) */
                    model: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description No content */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/call-prices": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List prices per call, by provider and path
         * @description Provider endpoints Tollgate cannot price by tokens (images, audio, moderations, …) are refused by the proxy with 400 endpoint_not_priced unless an admin set a price per call for them. Such a call is sent as it came (any body), holds its price on the budget before it is sent, and is charged it once answered; a provider error status releases it, and an answer cut off, a client gone or a provider that stops answering is charged it (the hold, as for every call). Nothing is shipped: the list starts empty. One page. Callers: users and their API tokens of role viewer or above (API-token scope `budgets:read`).
         */
        get: {
            parameters: {
                query?: {
                    provider?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["CallPrice"][];
                        };
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/call-prices/{provider}/{path}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Set an endpoint's price per call
         * @description Decimal USD per call, at most 6 decimals, from 0 to 1,000. Not for the endpoints priced by tokens (chat/completions, completions, embeddings, responses; v1/messages for Anthropic-style providers): 400. A change applies at once on the budget replica that records it and on the gateway it is made through, and on every other replica within a second; it is audited (call_price.set / call_price.removed, with the old and the new prices). Callers: users and their API tokens of role admin (API-token scope `budgets:write`).
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    provider: string;
                    /** @description the provider API path, e.g. images/generations (its slashes as they are) */
                    path: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /**
                         * @description Decimal USD, at most 6 decimals
                         * @example 25.5
                         */
                        usd_per_call: number;
                    };
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CallPrice"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description payload_too_large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unsupported_media_type */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        post?: never;
        /**
         * Remove an endpoint's price per call
         * @description Calls of the endpoint are then refused with 400 endpoint_not_priced. 404 when it has no price per call. A change applies at once on the budget replica that records it and on the gateway it is made through, and on every other replica within a second; it is audited (call_price.set / call_price.removed, with the old and the new prices). Callers: users and their API tokens of role admin (API-token scope `budgets:write`).
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    provider: string;
                    /** @description the provider API path, e.g. images/generations (its slashes as they are) */
                    path: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description No content */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the projects you see (members: theirs; managers and admins: all)
         * @description Callers: users and their API tokens of role viewer or above (API-token scope `agents:read`).
         */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    /** @description Opaque: the previous page's `next_cursor`, as it was returned. Any other value is 400 `validation_failed`; empty starts at the top. */
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["Project"][];
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Create a project (managers and admins); you become its owner
         * @description A project's members (owner, member or viewer) see it, its agents and their spend, and nothing of other projects'; managers and admins see every project. To anyone else a project is 404. Audited `project.created`. Callers: users and their API tokens of role manager or above (API-token scope `agents:write`).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                        description?: string;
                        /**
                         * @description Decimal USD, at most 6 decimals; at most MAX_BUDGET_USD (default 10,000); absent: no budget of its own
                         * @example 25.5
                         */
                        budget_usd?: number;
                    };
                };
            };
            responses: {
                /** @description Success */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Project"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description payload_too_large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unsupported_media_type */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a project
         * @description A project's members (owner, member or viewer) see it, its agents and their spend, and nothing of other projects'; managers and admins see every project. To anyone else a project is 404. Callers: users and their API tokens of role viewer or above (API-token scope `agents:read`).
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Project"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /**
         * Delete a project (its owners, managers and admins)
         * @description 409 while agents belong to it: delete them first. Audited `project.deleted`. Callers: users and their API tokens of role viewer or above (API-token scope `agents:write`).
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description No content */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description conflict */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /**
         * Rename or describe a project, or set its budget's alert thresholds (its owners, managers and admins)
         * @description Other members get 403; thresholds on a project without a budget, 409. Audited `project.updated`. Callers: users and their API tokens of role viewer or above (API-token scope `agents:write`).
         */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name?: string;
                        description?: string;
                        /** @description Replaces the alert thresholds: percentages of the limit (e.g. [50, 80, 100]) whose crossing is audited `budget.threshold`, once a period each; [] for none */
                        alert_thresholds?: number[];
                    };
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Project"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description conflict */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description payload_too_large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unsupported_media_type */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/projects/{id}/members": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List a project's members, by user id
         * @description Callers: users and their API tokens of role viewer or above (API-token scope `agents:read`).
         */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    /** @description Opaque: the previous page's `next_cursor`, as it was returned. Any other value is 400 `validation_failed`; empty starts at the top. */
                    cursor?: string;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["ProjectMember"][];
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{id}/members/{user_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Add a user to a project or change their role (the project's owners, managers and admins)
         * @description `owner`: manages the project and its members; `member`: adds agents to it; `viewer`: sees it. Each also sees the project's agents and their spend. 404 for an unknown user. Audited `project.member.set` with the previous role. Callers: users and their API tokens of role viewer or above (API-token scope `agents:write`).
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    user_id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @enum {string} */
                        role: "owner" | "member" | "viewer";
                    };
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ProjectMember"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description payload_too_large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unsupported_media_type */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        post?: never;
        /**
         * Remove a user from a project (the project's owners, managers and admins)
         * @description Audited `project.member.removed`. Callers: users and their API tokens of role viewer or above (API-token scope `agents:write`).
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    user_id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description No content */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{id}/budget": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Set a project's limit and/or period (managers and admins); the first gives it a budget
         * @description As an agent's: never below what is spent and reserved (409), `day` / `week` / `month` periods, UTC. From then on its agents' calls and leases hold from both budgets. Recorded in its budget history and audited `budget.limit.changed`. Callers: users and their API tokens of role manager or above (API-token scope `budgets:write`).
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /**
                         * @description Decimal USD, at most 6 decimals; no less than spent + reserved when lowering
                         * @example 25.5
                         */
                        limit_usd?: number;
                        /** @enum {string} */
                        period?: "none" | "day" | "week" | "month";
                        reason: string;
                    } | unknown | unknown;
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Project"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description conflict */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description payload_too_large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unsupported_media_type */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{id}/budget/reset": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start a new period of a project's budget now (managers and admins)
         * @description 409 for a project without a budget. Its agents' own budgets are not reset. Audited `budget.reset`. Callers: users and their API tokens of role manager or above (API-token scope `budgets:write`).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        reason: string;
                    };
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Project"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description conflict */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description payload_too_large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unsupported_media_type */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{id}/budget/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Changes to a project's budget limit, with who made them
         * @description Callers: users and their API tokens of role viewer or above (API-token scope `budgets:read`).
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["BudgetHistory"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/provider-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List provider keys (masked)
         * @description Callers: users and their API tokens of role manager or above (API-token scope `keys:read`).
         */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    /** @description Opaque: the previous page's `next_cursor`, as it was returned. Any other value is 400 `validation_failed`; empty starts at the top. */
                    cursor?: string;
                    provider?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["ProviderKey"][];
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Store a provider API key (encrypted with AES-256-GCM)
         * @description `base_url` defaults to the provider’s public API for openai, anthropic, mistral, groq, google; any other provider needs one. Callers: users and their API tokens of role admin (API-token scope `keys:write`).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        provider: string;
                        name: string;
                        /** @description The provider API key; stored encrypted, never returned */
                        api_key: string;
                        base_url?: string;
                    } | {
                        /** @enum {unknown} */
                        provider?: "openai" | "anthropic" | "mistral" | "groq" | "google";
                    } | unknown;
                };
            };
            responses: {
                /** @description Success */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ProviderKey"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description payload_too_large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unsupported_media_type */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/provider-keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a provider key (masked)
         * @description Callers: users and their API tokens of role manager or above (API-token scope `keys:read`).
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ProviderKey"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /**
         * Delete a provider key
         * @description Callers: users and their API tokens of role admin (API-token scope `keys:write`).
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description No content */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /**
         * Rename, disable or re-enable a key, or move it to a new base URL
         * @description `base_url` and `api_key` go together (400 with one alone): a stored key is only ever sent to the host it was entered for, so moving a key means entering it again. Base URLs must be https to a public address. Rotate replaces a key in place. Callers: users and their API tokens of role admin (API-token scope `keys:write`).
         */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name?: string;
                        disabled?: boolean;
                        base_url?: string;
                        /** @description The provider API key; stored encrypted, never returned */
                        api_key?: string;
                    } | unknown | unknown;
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ProviderKey"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description payload_too_large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unsupported_media_type */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/provider-keys/{id}/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Replace the stored key with a new one
         * @description Callers: users and their API tokens of role admin (API-token scope `keys:write`).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description The provider API key; stored encrypted, never returned */
                        api_key: string;
                    };
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ProviderKey"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description payload_too_large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unsupported_media_type */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List your API tokens (admins: any user’s, with owner_id)
         * @description Callers: users and their API tokens of role viewer or above (API-token scope `tokens:read`).
         */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    /** @description Opaque: the previous page's `next_cursor`, as it was returned. Any other value is 400 `validation_failed`; empty starts at the top. */
                    cursor?: string;
                    status?: "active" | "revoked" | "expired";
                    owner_id?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["ApiToken"][];
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Create a personal API token
         * @description The full token is returned once, in `token`. Scopes beyond what your role allows are refused (403). Callers: users and their API tokens of role viewer or above (API-token scope `tokens:write`).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                        description?: string;
                        scopes: ("users:read" | "users:write" | "tokens:read" | "tokens:write" | "agents:read" | "agents:write" | "budgets:read" | "budgets:write" | "budget_requests:approve" | "keys:read" | "keys:write" | "audit:read" | "webhooks:read" | "webhooks:write" | "usage:write" | "proxy:invoke")[];
                        /** @description Default 90 */
                        expires_in_days?: number;
                        /** @description Admins only; excludes expires_in_days */
                        never_expires?: boolean;
                    };
                };
            };
            responses: {
                /** @description Success */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CreatedApiToken"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description payload_too_large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unsupported_media_type */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tokens/introspect": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Is this token active, and what may it do?
         * @description RFC 7662 style: an inactive, expired, revoked, unknown or malformed token answers only `{"active": false}`. Callers: users and their API tokens of role viewer or above; agents.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        token: string;
                    };
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TokenIntrospection"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description payload_too_large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unsupported_media_type */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tokens/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get one API token (never its secret)
         * @description Callers: users and their API tokens of role viewer or above (API-token scope `tokens:read`).
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ApiToken"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /**
         * Revoke an API token; it stops working at once
         * @description Callers: users and their API tokens of role viewer or above (API-token scope `tokens:write`).
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description No content */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /**
         * Rename, describe or narrow an API token
         * @description Callers: users and their API tokens of role viewer or above (API-token scope `tokens:write`).
         */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name?: string;
                        description?: string;
                        scopes?: ("users:read" | "users:write" | "tokens:read" | "tokens:write" | "agents:read" | "agents:write" | "budgets:read" | "budgets:write" | "budget_requests:approve" | "keys:read" | "keys:write" | "audit:read" | "webhooks:read" | "webhooks:write" | "usage:write" | "proxy:invoke")[];
                    };
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ApiToken"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description conflict */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description payload_too_large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unsupported_media_type */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/tokens/{id}/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Issue a new secret for an API token
         * @description The old secret keeps working for `grace_seconds` (default 0: it dies at once). The new token is shown once. Callers: users and their API tokens of role viewer or above (API-token scope `tokens:write`).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        grace_seconds?: number;
                    };
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CreatedApiToken"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description conflict */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description payload_too_large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unsupported_media_type */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/agents/{id}/handshake": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Reserve a lease of the budget and receive an IP token for the provider
         * @description Only the agent itself, with its own tg_agt_ token. Grants `requested_usd` (default DEFAULT_LEASE_USD) or what is left; nothing left → 402 budget_exhausted. The IP token opens with @tollgate/sdk's decryptIpToken. Callers: agents.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        provider: string;
                        /**
                         * @description Decimal USD, at most 6 decimals
                         * @example 25.5
                         */
                        requested_usd?: number;
                    };
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Lease"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description budget_exhausted */
                402: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description payload_too_large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unsupported_media_type */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Report the usage of one provider call; charged to the lease
         * @description Idempotent per `request_id`: the same id again charges nothing more and answers the original charge with `duplicate: true`. Without `cost_usd` the call is priced from the model price table. Callers: agents (scope `usage:write`).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        lease_id: string;
                        request_id: string;
                        provider: string;
                        model: string;
                        input_tokens: number;
                        output_tokens: number;
                        /**
                         * @description Decimal USD, at most 6 decimals
                         * @example 25.5
                         */
                        cost_usd?: number;
                    };
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["UsageCharge"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description payload_too_large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unsupported_media_type */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/leases/{id}/release": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Return the unspent part of a lease to the budget
         * @description Releasing a lease twice returns 0 the second time. Callers: agents.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["LeaseRelease"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/users/{id}/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Export a user's data: profile, sessions, API tokens, agents and their audit events
         * @description Your own, or anyone’s for an admin (403 for anyone else). One JSON document, sent as a download (`Content-Disposition: attachment; filename="tollgate-user-<id>.json"`): the user as `GET /v1/users/{id}` shows them, their live sessions, their API tokens (never a secret) and the agents they own, each with its audit events — at most 10,000 events in all (`truncated`). Audited `user.exported`. Callers: user sessions of role viewer or above.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["UserExport"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List users
         * @description Callers: users and their API tokens of role manager or above (API-token scope `users:read`).
         */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    /** @description Opaque: the previous page's `next_cursor`, as it was returned. Any other value is 400 `validation_failed`; empty starts at the top. */
                    cursor?: string;
                    role?: "viewer" | "member" | "manager" | "admin";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["User"][];
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Create a user
         * @description Passwords are 12 to 256 characters. A duplicate email (in any letter case) is 409. Callers: users and their API tokens of role admin (API-token scope `users:write`).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        email: string;
                        name?: string;
                        password: string;
                        /** @enum {string} */
                        role: "viewer" | "member" | "manager" | "admin";
                    };
                };
            };
            responses: {
                /** @description Success */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["User"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description conflict */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description payload_too_large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unsupported_media_type */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/users/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a user
         * @description Admins and managers may read anyone; everyone else only themself. Callers: users and their API tokens of role viewer or above.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["User"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /**
         * Delete a user
         * @description The last active admin cannot be deleted (409). Callers: users and their API tokens of role admin (API-token scope `users:write`).
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description No content */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description conflict */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /**
         * Rename, change the role of, disable or re-enable a user, or turn their passwords off
         * @description A role change or disabling ends every session of the user. The last active admin cannot be demoted or disabled (409). `password_login: false` makes the user passwordless: a password no longer signs them in (403 password_login_disabled after a right one), sign-in links and passkeys do. Callers: users and their API tokens of role admin (API-token scope `users:write`).
         */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name?: string;
                        /** @enum {string} */
                        role?: "viewer" | "member" | "manager" | "admin";
                        disabled?: boolean;
                        password_login?: boolean;
                    };
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["User"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description conflict */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description payload_too_large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unsupported_media_type */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/users/{id}/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Set a temporary password
         * @description Every session of the user ends and a lockout ends; the user is mailed that it happened (tell them the password another way). Their next password login must replace it (403 password_change_required until it sends new_password). Audited as user.password_set. Callers: users and their API tokens of role admin (API-token scope `users:write`).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        password: string;
                    };
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["User"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description payload_too_large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unsupported_media_type */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/settings/sign-in": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * How people sign in to this installation
         * @description Callers: users and their API tokens of role admin (API-token scope `users:read`).
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SignInSettings"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Turn passwords on or off for everyone
         * @description `password_login: false`: no password signs anyone in (403 password_login_disabled after a right one), password resets mail nothing; sign-in links and passkeys do. 409 when no SMTP server is configured (nobody could get a link). Audited as settings.sign_in.updated. Callers: users and their API tokens of role admin (API-token scope `users:write`).
         */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        password_login: boolean;
                    };
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SignInSettings"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description conflict */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description payload_too_large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unsupported_media_type */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/users/{id}/unlock": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Clear a lockout after repeated failed logins
         * @description Callers: users and their API tokens of role admin (API-token scope `users:write`).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["User"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/users/{id}/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A user's live sessions
         * @description Where a user is signed in: each live session with when it began and was last used, its IP and user agent (`current` marks the session making this request). End one with `DELETE /v1/auth/sessions/{id}`, or all with a disable. Callers: users and their API tokens of role admin (API-token scope `users:read`).
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["Session"][];
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List webhook endpoints
         * @description Callers: users and their API tokens of role admin (API-token scope `webhooks:read`).
         */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    /** @description Opaque: the previous page's `next_cursor`, as it was returned. Any other value is 400 `validation_failed`; empty starts at the top. */
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["Webhook"][];
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Register a webhook endpoint (its signing secret is in this answer only)
         * @description Each delivery is a POST of `{id, type, created_at, data: {actor, resource, outcome, details, request_id}}` with headers `Tollgate-Event-Id`, `Tollgate-Event-Type`, `Tollgate-Webhook-Id` and `Tollgate-Signature: t=<unix seconds>,v1=<hex>`, where v1 is HMAC-SHA256 with the endpoint secret over `<t>.<raw body>`. Receivers compare it in constant time, refuse a t older than 5 minutes (replays) and dedupe by event id (delivery is at least once). Events go to an endpoint in audit-log order; a 2xx answer within WEBHOOK_TIMEOUT_MS delivers one; anything else is retried with exponential backoff and jitter (at most an hour apart) for WEBHOOK_RETRY_FOR_MS (24 h), holding back the later events, then the event becomes a dead letter. The URL must be https to a public address; it is checked again each time a delivery connects. Callers: users and their API tokens of role admin (API-token scope `webhooks:write`).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        url: string;
                        /** @description the events this endpoint is sent */
                        events: ("budget.threshold" | "budget.exhausted" | "budget.request.created" | "budget.request.approved" | "budget.request.rejected" | "token.expiring" | "provider_key.rotated")[];
                        /** @default true */
                        enabled?: boolean;
                        /** @default  */
                        description?: string;
                    };
                };
            };
            responses: {
                /** @description Success */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            webhook: components["schemas"]["Webhook"];
                            /** @description whsec_…: signs every delivery; shown once */
                            secret: string;
                        };
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description payload_too_large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unsupported_media_type */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a webhook endpoint and where its deliveries are
         * @description Callers: users and their API tokens of role admin (API-token scope `webhooks:read`).
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Webhook"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /**
         * Delete a webhook endpoint with its delivery log and dead letters
         * @description Callers: users and their API tokens of role admin (API-token scope `webhooks:write`).
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description No content */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /**
         * Change a webhook endpoint, or disable and re-enable it
         * @description A disabled endpoint is sent nothing, and enabling it again does not send what happened meanwhile. Callers: users and their API tokens of role admin (API-token scope `webhooks:write`).
         */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        url?: string;
                        /** @description the events this endpoint is sent */
                        events?: ("budget.threshold" | "budget.exhausted" | "budget.request.created" | "budget.request.approved" | "budget.request.rejected" | "token.expiring" | "provider_key.rotated")[];
                        enabled?: boolean;
                        description?: string;
                    };
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Webhook"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description payload_too_large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unsupported_media_type */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/webhooks/{id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * An endpoint's delivery attempts, newest first, or its dead letters
         * @description Callers: users and their API tokens of role admin (API-token scope `webhooks:read`).
         */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    /** @description Opaque: the previous page's `next_cursor`, as it was returned. Any other value is 400 `validation_failed`; empty starts at the top. */
                    cursor?: string;
                    /** @description dead: only the events given up on and not yet redelivered */
                    status?: "dead";
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["WebhookDelivery"][];
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{id}/redeliver": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send one event to the endpoint again, now (a dead letter, or one the receiver lost)
         * @description Answers with the attempt. A dead letter delivered this way is no longer one. Callers: users and their API tokens of role admin (API-token scope `webhooks:write`).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        event_id: string;
                    };
                };
            };
            responses: {
                /** @description Success */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["WebhookDelivery"];
                    };
                };
                /** @description validation_failed, invalid_json, model_not_priced, endpoint_not_priced */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unauthenticated, invalid_credentials, token_expired, token_revoked, refresh_token_reused */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description forbidden, insufficient_scope, csrf_failed, approval_required, password_login_disabled, password_change_required, ip_denied */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description not_found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description payload_too_large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description unsupported_media_type */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description rate_limited (Retry-After header and details.retry_after) */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description service_unavailable (Retry-After header) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This OpenAPI document */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OpenAPI 3.0 document */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/docs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Interactive API documentation (Swagger UI) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description HTML page */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        Error: {
            error: {
                code: string;
                message: string;
                request_id: string;
                details?: {
                    [key: string]: unknown;
                };
            };
        };
        DetailedHealth: {
            /**
             * @description degraded: a dependency is down
             * @enum {string}
             */
            status: "ok" | "degraded";
            gateway: {
                version: string;
                uptime_seconds: number;
                /** @description HTTP requests this gateway process has answered since it started (every route, every status; this one not yet). Two readings give the request rate */
                requests_total: number;
                /** @description Of those, the ones answered with a 5xx status. Two readings give the error rate */
                errors_total: number;
            };
            dependencies: components["schemas"]["DependencyHealth"][];
        };
        DependencyHealth: {
            /** @description `redis`, or a service: `identity`, `token`, `budget`, `provider-key`, `audit` */
            name: string;
            /** @enum {string} */
            status: "ok" | "down";
            /** @description How long its check took (Redis: PING and INFO, one round trip; a service: its gRPC health check) */
            latency_ms: number;
            /** @description Redis: its `redis_version`. A service: the release the replica that answered runs. null when down */
            version: string | null;
            /** @description A service: how long the replica that answered has run */
            uptime_seconds: number | null;
            /** @description A service: its outboxes' backlogs (what it has yet to deliver: audit events, mail) */
            outboxes: components["schemas"]["Outbox"][] | null;
            /** @description Why it is down (null when ok) */
            error: string | null;
        };
        Outbox: {
            /** @description The outbox, e.g. `audit_outbox`, `mail_outbox` */
            name: string;
            /** @description Items waiting to be delivered */
            depth: number;
            /** @description How long the oldest has waited (0: none waits) */
            oldest_age_seconds: number;
        };
        CreatedAgent: {
            agent: components["schemas"]["Agent"];
            /** @description The tg_agt_ credential, shown once */
            token: string;
        };
        Agent: {
            id: string;
            owner_id: string;
            name: string;
            description: string;
            /** @description Providers the agent may use; empty: any */
            providers: string[];
            disabled: boolean;
            /** @description The id of the agent's tg_agt_ credential */
            token_id: string | null;
            created_at: string;
            budget: components["schemas"]["Budget"];
            /** @description Proxied calls in flight at once; 0: the service's default (MAX_PARALLEL_CALLS) */
            max_parallel_calls: number;
            /** @description Tokens a minute through the proxy; 0: the service's default (TOKENS_PER_MINUTE) */
            tokens_per_minute: number;
            /** @description Percentages of the limit whose crossing is audited `budget.threshold`, once a period each (ascending) */
            alert_thresholds: number[];
            /** @description The project it belongs to (null: none). Its members see it; outside them only its owner, managers and admins do */
            project_id: string | null;
        };
        Budget: {
            limit_usd: number;
            /** @description Spent in the current period */
            spent_usd: number;
            /** @description Held for calls in flight and open leases */
            reserved_usd: number;
            remaining_usd: number;
            /**
             * @description How often the spend starts again: never, or at each calendar day, week (Monday) or month, UTC
             * @enum {string}
             */
            period: "none" | "day" | "week" | "month";
            /** @description When the current period began: the agent's creation, the last reset or the last boundary */
            period_started_at: string | null;
            /** @description The next period boundary; null for period none */
            resets_at: string | null;
        };
        BudgetHistory: {
            items: {
                old_limit_usd: number;
                new_limit_usd: number;
                approver_id: string;
                request_id: string;
                reason: string;
                at: string;
                /**
                 * @description request: an approved budget request (request_id is its id); set, reset: a manager's change (request_id is the change's id)
                 * @enum {string}
                 */
                kind: "request" | "set" | "reset";
                /**
                 * @description The period after the change
                 * @enum {string}
                 */
                period: "none" | "day" | "week" | "month";
                /** @description A reset's: what the period it closed had spent (0 otherwise) */
                closed_spent_usd: number;
            }[];
        };
        LedgerEntry: {
            /** @description `<seq>.<op>`: the budget journal's entry that recorded it and its place there (one entry may charge many calls) */
            id: string;
            /** @description When it was recorded */
            at: string;
            /**
             * @description Which of `charge`, `limit_change` and `period` it is; the other two are null
             * @enum {string}
             */
            kind: "charge" | "limit_change" | "period";
            charge: {
                /** @description A proxied call's X-Request-Id or a usage report's request_id; for a gateway's escrow charged whole once it stopped syncing, the escrow's id */
                request_id: string;
                provider: string;
                /** @description For a call to an endpoint priced per call, its path (the call is one input token) */
                model: string;
                input_tokens: number;
                output_tokens: number;
                /** @description What was charged: a proxied call's X-Tollgate-Cost-Usd */
                cost_usd: number;
                /** @description Why the call was charged its whole hold, its usage being unknown (e.g. 'the provider cut the answer off'); null when its usage was priced */
                whole_hold_reason: string | null;
            } | null;
            /** @description A change of the limit or period, or a reset, as in the budget history */
            limit_change: {
                old_limit_usd: number;
                new_limit_usd: number;
                approver_id: string;
                request_id: string;
                reason: string;
                at: string;
                /**
                 * @description request: an approved budget request (request_id is its id); set, reset: a manager's change (request_id is the change's id)
                 * @enum {string}
                 */
                kind: "request" | "set" | "reset";
                /**
                 * @description The period after the change
                 * @enum {string}
                 */
                period: "none" | "day" | "week" | "month";
                /** @description A reset's: what the period it closed had spent (0 otherwise) */
                closed_spent_usd: number;
            } | null;
            period: {
                /** @description When the new period began (a calendar boundary, UTC) */
                started_at: string;
                /** @description What the period it closed had spent */
                closed_spent_usd: number;
            } | null;
        };
        Spend: {
            items: components["schemas"]["SpendRow"][];
        };
        SpendRow: {
            /** @description The agent id, provider, model or UTC day (yyyy-mm-dd) */
            key: string;
            spent_usd: number;
            requests: number;
            input_tokens: number;
            output_tokens: number;
        };
        AuditEvent: {
            id: string;
            seq: number;
            at: string;
            actor: {
                /** @enum {string} */
                type: "user" | "token" | "agent" | "service" | "anonymous";
                id: string | null;
            };
            action: string;
            resource: {
                type: string;
                id: string | null;
            };
            /** @enum {string} */
            outcome: "success" | "failure" | "denied";
            ip: string | null;
            user_agent: string | null;
            request_id: string | null;
            /** @description The service that emitted the event */
            source: string;
            /** @description Never holds a password, token, key or cookie */
            details: {
                [key: string]: unknown;
            };
            /** @description SHA-256 over the canonical event, its seq and prev_hash */
            hash: string;
            /** @description The hash of the event before (64 zeros for the first) */
            prev_hash: string;
        };
        AuditVerification: {
            ok: boolean;
            checked: number;
            first_bad_id: string | null;
        };
        AuthResult: {
            /** @description ES256 JWT; send as Authorization: Bearer */
            access_token: string;
            /** @enum {string} */
            token_type: "Bearer";
            /** @description Seconds until the access token expires */
            expires_in: number;
            /** @description Single use: every refresh returns a new one */
            refresh_token: string;
            /** @description Send as X-CSRF-Token with the cookie refresh flow */
            csrf_token: string;
            user: components["schemas"]["User"];
        };
        User: {
            id: string;
            email: string;
            /** @description The email's local part when no name was given */
            name: string;
            /** @enum {string} */
            role: "viewer" | "member" | "manager" | "admin";
            disabled: boolean;
            /** @description Locked after repeated failed logins (POST /v1/users/{id}/unlock clears it) */
            locked: boolean;
            created_at: string;
            /** @description When the user last signed in (a password, a sign-in link or a passkey); null: never */
            last_login_at: string | null;
            /** @description false: passwords do not sign this user in (sign-in links and passkeys do); set by admins (PATCH /v1/users/{id}) */
            password_login: boolean;
            /** @description An admin set a temporary password: the next password login must send new_password */
            must_change_password: boolean;
        };
        MagicLinkRequested: {
            message: string;
        };
        PasswordResetRequested: {
            message: string;
        };
        Session: {
            id: string;
            created_at: string;
            last_used_at: string;
            ip: string;
            user_agent: string;
            /** @description The session of the access token making this request */
            current: boolean;
        };
        Jwks: {
            keys: components["schemas"]["Jwk"][];
        };
        Jwk: {
            /** @enum {string} */
            kty: "EC";
            /** @enum {string} */
            crv: "P-256";
            x: string;
            y: string;
            kid: string;
            /** @enum {string} */
            alg: "ES256";
            /** @enum {string} */
            use: "sig";
        };
        BudgetRequest: {
            id: string;
            /** @description The agent whose budget it raises; null for a request for a project's budget */
            agent_id: string | null;
            /** @description The project whose budget it raises (agent_id null), or the agent's project; null for an agent outside every project */
            project_id: string | null;
            requester_id: string;
            requested_budget_usd: number;
            justification: string;
            /** @enum {string} */
            status: "pending" | "approved" | "rejected" | "cancelled";
            decided_by: string | null;
            decision_note: string | null;
            decided_at: string | null;
            created_at: string;
        };
        IpRule: {
            id: string;
            /**
             * @description The network address and prefix length (a bare address is /32 or /128)
             * @example 203.0.113.0/24
             */
            cidr: string;
            /** @enum {string} */
            action: "allow" | "deny";
            /** @enum {string} */
            scope: "all" | "admin" | "proxy";
            description: string;
            created_at: string;
            /** @description Who made it (type:id) */
            created_by: string;
        };
        /** @description WebAuthn options (JSON): pass them to PublicKeyCredential.parseCreationOptionsFromJSON(), then to navigator.credentials */
        PasskeyRegistrationOptions: {
            [key: string]: unknown;
        };
        Passkey: {
            /** @description The credential id (base64url) */
            id: string;
            name: string;
            created_at: string;
            /** @description Its last sign-in; null: never used */
            last_used_at: string | null;
            /**
             * @description multiDevice: synced between devices
             * @enum {string}
             */
            device_type: "singleDevice" | "multiDevice";
            backed_up: boolean;
        };
        /** @description The credential navigator.credentials gave, as its toJSON() makes it */
        PublicKeyCredentialJSON: {
            id: string;
            /** @enum {string} */
            type: "public-key";
        } & {
            [key: string]: unknown;
        };
        /** @description WebAuthn options (JSON): pass them to PublicKeyCredential.parseRequestOptionsFromJSON(), then to navigator.credentials */
        PasskeyAuthenticationOptions: {
            [key: string]: unknown;
        };
        Price: {
            provider: string;
            /** @description Also prices its dated snapshots (gpt-4o → gpt-4o-2024-08-06) and its -latest alias, nothing else */
            model: string;
            /**
             * @description USD per million input tokens
             * @example 2.5
             */
            input_usd_per_million: number;
            /**
             * @description USD per million output tokens
             * @example 10
             */
            output_usd_per_million: number;
            /**
             * @description shipped: the table the budget service ships with; admin: set at run time
             * @enum {string}
             */
            source: "shipped" | "admin";
        };
        CallPrice: {
            provider: string;
            /**
             * @description The provider API path, without leading or trailing slash
             * @example images/generations
             */
            path: string;
            /**
             * @description USD per call
             * @example 0.04
             */
            usd_per_call: number;
        };
        Project: {
            id: string;
            name: string;
            description: string;
            created_by: string;
            created_at: string;
            updated_at: string;
            /**
             * @description Your role in the project; null when you are not a member (you see it as a manager or admin)
             * @enum {string|null}
             */
            your_role: "owner" | "member" | "viewer" | null;
            /** @description Its budget; null while it has none (its agents are then held to their own budgets only). An agent's calls and leases hold from both its own budget and its project's: neither is ever exceeded */
            budget: components["schemas"]["Budget"] | unknown;
            /** @description Percentages of the project's limit whose crossing is audited `budget.threshold`, once a period each (ascending) */
            alert_thresholds: number[];
        };
        ProjectMember: {
            project_id: string;
            user_id: string;
            /** @enum {string} */
            role: "owner" | "member" | "viewer";
            added_by: string;
            added_at: string;
        };
        ProviderKey: {
            id: string;
            provider: string;
            name: string;
            /** @description e.g. sk-…abcd; the key itself is never returned */
            masked: string;
            base_url: string;
            disabled: boolean;
            created_at: string;
            rotated_at: string | null;
        };
        CreatedApiToken: components["schemas"]["ApiToken"] & {
            /** @description The full token (tg_pat_… / tg_agt_…); shown only in this response */
            token: string;
        };
        ApiToken: {
            id: string;
            /** @enum {string} */
            kind: "personal" | "agent";
            /** @description The public part of the token (tg_pat_<id>), safe to show and log */
            prefix: string;
            owner_id: string;
            agent_id: string | null;
            name: string;
            description: string;
            scopes: string[];
            /** @enum {string} */
            status: "active" | "revoked" | "expired";
            /** @description null: never expires */
            expires_at: string | null;
            created_at: string;
            last_used_at: string | null;
        };
        TokenIntrospection: {
            active: boolean;
            id?: string;
            owner_id?: string;
            /** @description The token's scopes narrowed to its owner's current role */
            scopes?: string[];
            expires_at?: string | null;
        };
        Lease: {
            lease_id: string;
            granted_usd: number;
            expires_at: string;
            ip_token: string;
        };
        UsageCharge: {
            charged_usd: number;
            remaining_usd: number;
            duplicate: boolean;
        };
        LeaseRelease: {
            released_usd: number;
            budget: components["schemas"]["Budget"];
        };
        UserExport: {
            user: components["schemas"]["User"];
            /** @description Their live sessions */
            sessions: components["schemas"]["Session"][];
            /** @description Their API tokens and their agents', of every status: never a secret */
            tokens: components["schemas"]["ApiToken"][];
            /** @description The agents they own, each with its audit events */
            agents: components["schemas"]["ExportedAgent"][];
            /** @description true: the agents' events stopped at 10,000 in all, and some were left out */
            truncated: boolean;
            /** Format: date-time */
            exported_at: string;
        };
        ExportedAgent: components["schemas"]["Agent"] & {
            /** @description Its audit events, newest first: about it (its record, its budget) and by it (its calls, its use of provider keys). The IP and user agent of anyone but the user, their API tokens and their agents are null */
            events: components["schemas"]["AuditEvent"][];
        };
        SignInSettings: {
            /** @description false: passwords are off for everyone */
            password_login: boolean;
            /** @description When an admin last changed it; null: never */
            updated_at: string | null;
        };
        Webhook: {
            id: string;
            url: string;
            events: ("budget.threshold" | "budget.exhausted" | "budget.request.created" | "budget.request.approved" | "budget.request.rejected" | "token.expiring" | "provider_key.rotated")[];
            enabled: boolean;
            description: string;
            created_at: string;
            updated_at: string;
            /** @description where the deliveries to this endpoint are */
            delivery: {
                /** @description the last audit-log seq this endpoint is done with */
                cursor_seq: number;
                /** @description the event being retried, which holds back the later ones */
                retrying_event_id: string | null;
                retrying_attempts: number;
                next_attempt_at: string | null;
                /** @description events given up on and not yet redelivered */
                dead_letters: number;
            };
        };
        WebhookDelivery: {
            id: string;
            webhook_id: string;
            event_id: string;
            event_type: string;
            attempt: number;
            at: string;
            /**
             * @description failed: to be retried; dead: given up on (a dead letter)
             * @enum {string}
             */
            status: "delivered" | "failed" | "dead";
            /** @description the receiver's status; null when it never answered */
            http_status: number | null;
            error: string | null;
            latency_ms: number;
            /** @description sent again by an admin */
            redelivery: boolean;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;

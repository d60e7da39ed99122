import { z } from 'zod';
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';

// Imported first by every module that declares schemas: `.openapi()` exists before any schema is built.
extendZodWithOpenApi(z);

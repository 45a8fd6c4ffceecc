#!/usr/bin/env node
import{createRequire as __scCreateRequire}from'node:module';const require=__scCreateRequire(import.meta.url);
import{c as a,d as b,e as c,f as d,g as e,h as f}from"./chunk-4VZUROT2.js";import"./chunk-L5YVMCSL.js";import"./chunk-FNLATD3A.js";import"./chunk-WOBWWIPW.js";import"./chunk-GEXPNIDP.js";import"./chunk-3Q7YXN7Y.js";import"./chunk-CWDMZYRQ.js";export{a as FIELD_MANAGER,b as apiErrorMessage,f as createClient,e as loadKubeConfig,c as statusOf,d as withRetry};

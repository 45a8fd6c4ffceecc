import{createRequire as __scCreateRequire}from'node:module';const require=__scCreateRequire(import.meta.url);
import{c as a,d as b,e as c}from"./chunk-3U2VDNBE.js";import"./chunk-FN3ZBJBM.js";import"./chunk-JE7CAKMY.js";import"./chunk-4LUV3Z5J.js";export{c as RegistryClient,a as RegistryError,b as sha256Digest};

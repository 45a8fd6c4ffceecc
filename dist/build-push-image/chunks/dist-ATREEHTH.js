import{createRequire as __scCreateRequire}from'node:module';const require=__scCreateRequire(import.meta.url);
import{a}from"./chunk-KBNRKTE3.js";import"./chunk-4LUV3Z5J.js";export default a();

import{createRequire as __scCreateRequire}from'node:module';const require=__scCreateRequire(import.meta.url);
import{b as a,c as b}from"./chunk-NBATEP7I.js";import"./chunk-RNANFSY4.js";import"./chunk-4LUV3Z5J.js";export{b as emptyTrustedRoot,a as loadTrustedRoot};

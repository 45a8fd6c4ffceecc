import{createRequire as __scCreateRequire}from'node:module';const require=__scCreateRequire(import.meta.url);
import{a,b,c,d}from"./chunk-4VLBCJWJ.js";import"./chunk-URB4OWO2.js";import"./chunk-4LUV3Z5J.js";export{b as keyFingerprint,a as keyHint,d as loadPublicKey,c as loadSigningKey};

#!/usr/bin/env node
import{createRequire as __scCreateRequire}from'node:module';const require=__scCreateRequire(import.meta.url);
import{a,b,c,d,e,f,g,h,i,j}from"./chunk-KXEFPWCK.js";import"./chunk-WOBWWIPW.js";import"./chunk-GEXPNIDP.js";import"./chunk-CWDMZYRQ.js";export{a as GitLabApiError,b as createGitLabClient,h as createNote,j as deleteNote,e as listCommitStatuses,g as listNotes,f as mergeRequestsForCommit,c as projectPath,d as setCommitStatus,i as updateNote};

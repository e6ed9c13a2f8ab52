// `node --import ./src/builds/register-cjs.mjs …`: registers cjs-hooks.mjs (see there).
import { register } from "node:module";

register("./cjs-hooks.mjs", import.meta.url);

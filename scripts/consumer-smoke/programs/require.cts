// CommonJS-typed consumer (a .cts file under node16): the types come from the .d.cts declarations.
import { Channel } from "@csp-kit/channel";
import { select } from "@csp-kit/select";

const ch = new Channel<number>(1);
// @ts-expect-error a Channel<number> does not take strings
void ch.trySend("x");
export const ok: boolean = typeof select === "function" && ch.cap === 1;

/**
 * The receive contract every receivable keeps (from @csp-kit/testkit/core), run
 * over SharedChannel: on the instance that created it, and on a second instance
 * built from its handle (standing for another thread) while the creator sends.
 */

import { receiveContract } from "@csp-kit/testkit/core";
import { SharedChannel } from "../src/index.js";

for (const capacity of [1, 4]) {
  receiveContract(`SharedChannel(${capacity})`, () => {
    const ch = new SharedChannel<number>(capacity);
    const deliver = (): number => {
      void ch.send(7);
      return 7;
    };
    return { rx: ch, deliver, close: () => ch.close() };
  });

  receiveContract(
    `SharedChannel(${capacity}) received through a second instance`,
    () => {
      const owner = new SharedChannel<number>(capacity);
      const other = SharedChannel.from<number>(owner.handle);
      const deliver = (): number => {
        void owner.send(7);
        return 7;
      };
      return { rx: other, deliver, close: () => owner.close() };
    },
    // A wake-up from another instance arrives through Atomics.waitAsync, a macrotask later.
    { turns: 3 },
  );
}

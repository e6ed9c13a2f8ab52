/** A short description of a value for an error message: `undefined`, `the number 5`, `an object (Channel)`. */
export { describeValue as describe } from "@csp-kit/channel/port";

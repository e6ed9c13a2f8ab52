import { produceRequest, produceResponse } from "../../src/index.js";
import { roundTripSuite } from "./round-trip.js";

roundTripSuite([produceRequest, produceResponse]);

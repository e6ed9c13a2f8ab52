import { initProducerIdRequest, initProducerIdResponse } from "../../src/index.js";
import { roundTripSuite } from "./round-trip.js";

roundTripSuite([initProducerIdRequest, initProducerIdResponse]);

import { listOffsetsRequest, listOffsetsResponse } from "../../src/index.js";
import { roundTripSuite } from "./round-trip.js";

roundTripSuite([listOffsetsRequest, listOffsetsResponse]);

import { metadataRequest, metadataResponse } from "../../src/index.js";
import { roundTripSuite } from "./round-trip.js";

roundTripSuite([metadataRequest, metadataResponse]);

import { apiVersionsRequest, apiVersionsResponse } from "../../src/index.js";
import { roundTripSuite } from "./round-trip.js";

roundTripSuite([apiVersionsRequest, apiVersionsResponse]);

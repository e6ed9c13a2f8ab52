import { fetchRequest, fetchResponse } from "../../src/index.js";
import { roundTripSuite } from "./round-trip.js";

roundTripSuite([fetchRequest, fetchResponse]);

import { createTopicsRequest, createTopicsResponse } from "../../src/index.js";
import { roundTripSuite } from "./round-trip.js";

roundTripSuite([createTopicsRequest, createTopicsResponse]);

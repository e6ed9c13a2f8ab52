import { deleteTopicsRequest, deleteTopicsResponse } from "../../src/index.js";
import { roundTripSuite } from "./round-trip.js";

roundTripSuite([deleteTopicsRequest, deleteTopicsResponse]);

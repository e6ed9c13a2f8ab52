import { findCoordinatorRequest, findCoordinatorResponse } from "../../src/index.js";
import { roundTripSuite } from "./round-trip.js";

roundTripSuite([findCoordinatorRequest, findCoordinatorResponse]);

// Each message's hand-written interface (with its docs) is exactly the type its schema describes:
// a field added to a schema but not to the interface (or typed differently) fails here.
import { describe, expectTypeOf, it } from "vitest";
import type {
  ApiVersionsRequest,
  ApiVersionsResponse,
  apiVersionsRequestSchema,
  apiVersionsResponseSchema,
  CreateTopicsRequest,
  CreateTopicsResponse,
  createTopicsRequestSchema,
  createTopicsResponseSchema,
  DecodedRequest,
  DeleteTopicsRequest,
  DeleteTopicsResponse,
  deleteTopicsRequestSchema,
  deleteTopicsResponseSchema,
  FetchRequest,
  FetchResponse,
  FindCoordinatorRequest,
  FindCoordinatorResponse,
  fetchRequestSchema,
  fetchResponseSchema,
  findCoordinatorRequestSchema,
  findCoordinatorResponseSchema,
  InitProducerIdRequest,
  InitProducerIdResponse,
  initProducerIdRequestSchema,
  initProducerIdResponseSchema,
  ListOffsetsRequest,
  ListOffsetsResponse,
  listOffsetsRequestSchema,
  listOffsetsResponseSchema,
  MetadataRequest,
  MetadataResponse,
  metadataRequestSchema,
  metadataResponseSchema,
  ProduceRequest,
  ProduceResponse,
  produceRequestSchema,
  produceResponseSchema,
  SchemaValue,
} from "../../src/index.js";

describe("message interfaces match their schemas", () => {
  it("requests", () => {
    expectTypeOf<ApiVersionsRequest>().toEqualTypeOf<SchemaValue<typeof apiVersionsRequestSchema>>();
    expectTypeOf<MetadataRequest>().toEqualTypeOf<SchemaValue<typeof metadataRequestSchema>>();
    expectTypeOf<ProduceRequest>().toEqualTypeOf<SchemaValue<typeof produceRequestSchema>>();
    expectTypeOf<FetchRequest>().toEqualTypeOf<SchemaValue<typeof fetchRequestSchema>>();
    expectTypeOf<ListOffsetsRequest>().toEqualTypeOf<SchemaValue<typeof listOffsetsRequestSchema>>();
    expectTypeOf<FindCoordinatorRequest>().toEqualTypeOf<SchemaValue<typeof findCoordinatorRequestSchema>>();
    expectTypeOf<InitProducerIdRequest>().toEqualTypeOf<SchemaValue<typeof initProducerIdRequestSchema>>();
    expectTypeOf<CreateTopicsRequest>().toEqualTypeOf<SchemaValue<typeof createTopicsRequestSchema>>();
    expectTypeOf<DeleteTopicsRequest>().toEqualTypeOf<SchemaValue<typeof deleteTopicsRequestSchema>>();
  });

  it("responses", () => {
    expectTypeOf<ApiVersionsResponse>().toEqualTypeOf<SchemaValue<typeof apiVersionsResponseSchema>>();
    expectTypeOf<MetadataResponse>().toEqualTypeOf<SchemaValue<typeof metadataResponseSchema>>();
    expectTypeOf<ProduceResponse>().toEqualTypeOf<SchemaValue<typeof produceResponseSchema>>();
    expectTypeOf<FetchResponse>().toEqualTypeOf<SchemaValue<typeof fetchResponseSchema>>();
    expectTypeOf<ListOffsetsResponse>().toEqualTypeOf<SchemaValue<typeof listOffsetsResponseSchema>>();
    expectTypeOf<FindCoordinatorResponse>().toEqualTypeOf<SchemaValue<typeof findCoordinatorResponseSchema>>();
    expectTypeOf<InitProducerIdResponse>().toEqualTypeOf<SchemaValue<typeof initProducerIdResponseSchema>>();
    expectTypeOf<CreateTopicsResponse>().toEqualTypeOf<SchemaValue<typeof createTopicsResponseSchema>>();
    expectTypeOf<DeleteTopicsResponse>().toEqualTypeOf<SchemaValue<typeof deleteTopicsResponseSchema>>();
  });

  it("a decoded request narrows on apiKey", () => {
    const narrow = (req: DecodedRequest) => {
      if (req.apiKey === 0) expectTypeOf(req.body).toEqualTypeOf<ProduceRequest>();
      if (req.apiKey === 1) expectTypeOf(req.body).toEqualTypeOf<FetchRequest>();
      if (req.apiKey === 18) expectTypeOf(req.header.apiKey).toEqualTypeOf<18>();
    };
    expectTypeOf(narrow).toBeFunction();
  });
});

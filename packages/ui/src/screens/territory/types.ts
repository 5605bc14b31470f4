/** The issue-17 types of the API contract (packages/api/src/territory.ts), in one place for the screens. */
export type {
  PlaceKind, PlaceStatus, PlacePrecision, PlaceGeometry, PlaceView, Footprint, PlacesView, PlaceInput, CampaignGoal, CampaignModel, ReceiptStatus,
  CampaignSummary, LedgerRow, CampaignDetail, CampaignInput, CensusPoint, CensusView, TerritoryApi,
} from '@polity/api'

export { CoverageError, type CoverageErrorCode } from './errors';
export { ANY_CLASS, type AreaLimit, type CoverageRule, limitOf, meets, parseRule, resolveRule, RULE_PRESETS, ruleBounds, ruleClassOf } from './rules';
export { type AreaClassifier, classifierFromPolygons, DENSITY_FALLBACK_DEFAULTS, densityFallbackClassifier, type DensityFallbackOptions, uniformClassifier } from './area-classes';
export { DEMAND_CRS, type DemandCrs, demandToWgs84, type DemandKind, type DemandPoint, type DemandSet, demandFromIncidents, MAX_DEMAND_POINTS, parseDemandCsv, parseDemandFile, parseDemandGeoJson, withPopulationTotal } from './demand';
export { type ExtractFeatures, type ExtractPoi, featuresFromPbf, featuresFromXml, readExtractFeatures, RESIDENTIAL_HIGHWAYS } from './extract/extract-features';
export { demandFromExtract } from './extract/extract-demand';
export { CellGrid } from './grid';
export { placeSiteOrThrow, type PlacedSite, placeSites, type Site, type SiteReach, siteReach, type Trip, tripTo } from './network';
export { checkMinutes, type IsochroneOptions, type IsochroneProps, MAX_ISOCHRONE_MINUTES, reachNetwork, reachPolygons, stationIsochrones, type StationIsochrones } from './isochrones';
export {
  type AmbulanceCheck,
  analyseCoverage,
  analyseCoverageAsync,
  type AnalysisOptions,
  type ClassResult,
  COUNTY_POPULATION_FACTOR,
  type CoverageAnalysis,
  type DemandResult,
  PEOPLE_PER_AMBULANCE,
  shortfall,
  type StationInput,
  type StationResult,
} from './coverage-analysis';
export { type LiveCoverage, liveCoverage, type LiveUnitPosition } from './live-coverage';
export { buildSitingProblem, type CoverageMatrix, type SitingProblem, type SitingProblemOptions } from './siting/coverage-matrix';
export { coveredWeight, maxCoverBruteForce, maxCoverGreedy, setCoverBruteForce, setCoverGreedy } from './siting/greedy';
export { type IlpOptions, loadSolver, maxCover, setCover, type SitingSolution } from './siting/ilp';
export { networkCandidates } from './siting/network-candidates';
export { classesCsv, demandCsv, demandGeoJson, OSM_ATTRIBUTION, roadsGeoJson, stationsCsv, stationsGeoJson, toCsv } from './report/report-tables';
export { renderReportHtml, type ReportAssets, type ReportInput, type SitingSummary } from './report/html-report';
export { MAX_STATIONS, parseStationsFile, stationsFromGeoJson, stationsFromPois, stationsToWgs84 } from './stations';
export {
  type AreaGeometry, MAX_POPULATION_AREAS, MAX_POPULATION_CELLS, type PopulationArea, type PopulationCell, type PopulationFormat, populationFormatOf, type PopulationInput,
  populationToWgs84, readPopulation, readPopulationRaster,
} from './population/population-input';
export { type PopulationDemand, populationDemand, type PopulationDemandOptions } from './population/population-demand';
export {
  describePopulationImport, importPopulation, type PopulationChanges, populationFromRows, type PopulationImportOptions, type PopulationImportResult, type PopulationRow,
  populationRows, type PopulationStore, type PopulationTx,
} from './population/population-import';

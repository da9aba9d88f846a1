/**
 * Mobile Country Code → ISO 3166-1 alpha-2, after ITU-T E.212 (List of Mobile Country or Geographical
 * Area Codes, Annex to ITU Operational Bulletin No. 1162, 2019). A small static subset: the European
 * countries, China and the other sources of many visitors to Italy, plus every MCC the simulator uses.
 * Unknown MCCs map to `unknown` in the products.
 */
export const MCC_COUNTRIES: Readonly<Record<string, string>> = {
  '202': 'GR', '204': 'NL', '206': 'BE', '208': 'FR', '212': 'MC', '213': 'AD', '214': 'ES', '216': 'HU',
  '218': 'BA', '219': 'HR', '220': 'RS', '222': 'IT', '225': 'VA', '226': 'RO', '228': 'CH', '230': 'CZ',
  '231': 'SK', '232': 'AT', '234': 'GB', '235': 'GB', '238': 'DK', '240': 'SE', '242': 'NO', '244': 'FI',
  '246': 'LT', '247': 'LV', '248': 'EE', '250': 'RU', '255': 'UA', '257': 'BY', '259': 'MD', '260': 'PL',
  '262': 'DE', '266': 'GI', '268': 'PT', '270': 'LU', '272': 'IE', '274': 'IS', '276': 'AL', '278': 'MT',
  '280': 'CY', '282': 'GE', '283': 'AM', '284': 'BG', '286': 'TR', '292': 'SM', '293': 'SI', '294': 'MK',
  '295': 'LI', '297': 'ME', '302': 'CA', '310': 'US', '311': 'US', '312': 'US', '334': 'MX', '404': 'IN',
  '405': 'IN', '440': 'JP', '450': 'KR', '454': 'HK', '455': 'MO', '460': 'CN', '461': 'CN', '466': 'TW',
  '505': 'AU', '724': 'BR', '722': 'AR',
};

/** ISO country of an MCC, or null when the MCC is not in {@link MCC_COUNTRIES}. */
export function mccCountry(mcc: string): string | null {
  return MCC_COUNTRIES[mcc] ?? null;
}

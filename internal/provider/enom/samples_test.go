package enom

// Literal payloads in the shapes of providers.md 1.3 and 1.8. The vendor samples' e-mail addresses
// were mangled by the page they were copied from; real-looking addresses stand in for them.

const sampleBalanceXML = `<?xml version="1.0" encoding="utf-8"?>
<interface-response>
<Reseller>1</Reseller>
<Balance>2,261.65</Balance>
<AvailableBalance>1,939.50</AvailableBalance>
<Price>8.95</Price>
<COMPrice>8.95</COMPrice>
<DomainCount>2943</DomainCount>
<Command>GETBALANCE</Command>
<Language>eng</Language>
<ErrCount>0</ErrCount>
<ResponseCount>0</ResponseCount>
<MinPeriod>2</MinPeriod>
<MaxPeriod>10</MaxPeriod>
<Server>SJL21WRESELLT01</Server>
<Site>eNom</Site>
<IsLockable>True</IsLockable>
<IsRealTimeTLD>True</IsRealTimeTLD>
<TimeDifference>+03.00</TimeDifference>
<ExecTime>0.312</ExecTime>
<Done>true</Done>
<RequestDateTime>12/13/2011 2:59:04 AM</RequestDateTime>
<debug><![CDATA[]]></debug>
</interface-response>`

const sampleBalanceColonText = ";URL Interface\n\n;Machine is SJL0VWRESELL_T1\n\n;Encoding Type is utf-8\n\nReseller: 1\n\n" +
	"Balance: -1,832.23\n\nAvailableBalance: 6,193.37\n\nPrice: 8.95\n\nDomainCount: 2692\n\nCommand: GETBALANCE\n\n" +
	"APIType: API\n\nLanguage: eng\n\nErrCount: 0\n\nResponseCount: 0\n\nMinPeriod: 1\n\nMaxPeriod: 10\n\n" +
	"Server: SJL0VWRESELL_T1\n\nSite: eNom\n\nIsLockable: False\n\nIsRealTimeTLD: True\n\nTimeDifference: +03.00\n\n" +
	"ExecTime: 0.156\n\nDone: true\n\nRequestDateTime: 2/3/2015 4:41:26 PM\n"

const sampleBalanceEqualsCRLF = ";URL Interface<br>\r\n;Machine is Reseller4<br>\r\n-Command=GETBALANCE\r\nLanguage=eng\r\n" +
	"Balance=10.00\r\nAvailableBalance=9.50\r\nErrCount=0\r\nResponseCount=0\r\nServer=Reseller4\r\nSite=\r\n" +
	"IsLockable=True\r\nExecTime=0.235\r\nDone=true\r\n"

const sampleGetCertsXML = `<?xml version="1.0" encoding="utf-8"?>
<interface-response>
 <GetCerts>
  <Reseller>True</Reseller>
  <Certs>
   <Cert1>
    <ProdCode>certificate-rapidssl-rapidssl</ProdCode>
    <ProdType>23</ProdType>
    <ProdDesc>SSL Certificate - RapidSSL</ProdDesc>
    <QtyDesc>Year(s)</QtyDesc>
    <RetailPrice>$19.95</RetailPrice>
    <ResellerPrice>$9.95</ResellerPrice>
    <Enabled>True</Enabled>
    <Years>1</Years>
    <Years>2</Years>
    <Years>3</Years>
    <Years>4</Years>
    <Years>5</Years>
   </Cert1>
   <Cert2>
    <ProdCode>certificate-geotrust-quickssl</ProdCode>
    <ProdType>26</ProdType>
    <ProdDesc>SSL Certificate - GeoTrust QuickSSL</ProdDesc>
    <RetailPrice>$125.00</RetailPrice>
    <ResellerPrice>$69.00</ResellerPrice>
   </Cert2>
   <Cert3>
    <ProdCode>certificate-comodo-ev</ProdCode>
    <ProdType>221</ProdType>
    <ProdDesc><![CDATA[SSL Certificate - Comodo EV]]></ProdDesc>
    <ResellerPrice>$1,149.00</ResellerPrice>
    <Enabled>false</Enabled>
    <Years>1</Years>
    <Years>2</Years>
    <NewField>ignored</NewField>
   </Cert3>
  </Certs>
 </GetCerts>
 <CertCount>3</CertCount>
 <Command>GETCERTS</Command>
 <ErrCount>0</ErrCount>
 <Done>true</Done>
</interface-response>`

// sampleGetCertsVendor is the vendor document's sample as printed: the opening <Cert1>/<Certs>
// tags were lost in rendering, closing ones remain.
const sampleGetCertsVendor = `<Reseller>True</Reseller>
<ProdCode>certificate-rapidssl-rapidssl</ProdCode>
<ProdType>23</ProdType>
<ProdDesc>SSL Certificate - RapidSSL</ProdDesc>
<QtyDesc>Year(s)</QtyDesc>
<RetailPrice>$19.95</RetailPrice>
<ResellerPrice>$9.95</ResellerPrice>
<Enabled>True</Enabled>
<Years>1</Years>
<Years>2</Years>
</Cert1>
<ProdCode>certificate-geotrust-quickssl</ProdCode>
<ProdType>26</ProdType>
<ProdDesc>SSL Certificate - GeoTrust QuickSSL</ProdDesc>
<RetailPrice>$125.00</RetailPrice>
<ResellerPrice>$69.00</ResellerPrice>
</Cert2>
</Certs>
<CertCount>16</CertCount>
<Command>GETCERTS</Command>
<Language>eng</Language>
<ErrCount>0</ErrCount>
<ResponseCount>0</ResponseCount>
<MinPeriod/>
<Done>true</Done>
<debug/>
</interface-response>`

const sampleGetCertsText = ";URL Interface\r\n;Machine is SJL0VWRESELL_T1\r\nReseller: True\r\n" +
	"ProdCode: certificate-rapidssl-rapidssl\r\nProdType: 23\r\nProdDesc: SSL Certificate - RapidSSL\r\nQtyDesc: Year(s)\r\n" +
	"RetailPrice: $15.95\r\nResellerPrice: $9.95\r\nEnabled: True\r\nYears: 1\r\nYears: 2\r\n" +
	"ProdCode: certificate-geotrust-quickssl\r\nProdType: 26\r\nProdDesc: SSL Certificate - GeoTrust QuickSSL\r\n" +
	"RetailPrice: $89.00\r\nResellerPrice: $69.00\r\nCertCount: 2\r\nCommand: GETCERTS\r\nErrCount: 0\r\nDone: true\r\n"

const samplePurchaseServices = `<?xml version="1.0" encoding="utf-8"?>
<interface-response>
<Success>True</Success>
<ProductType>SSL Certificate - RapidSSL</ProductType>
<ActionType>Create</ActionType>
<CertID>726340</CertID>
<OrderID>267562071</OrderID>
<Command>PURCHASESERVICES</Command>
<ErrCount>0</ErrCount>
<Done>true</Done>
</interface-response>`

const samplePurchaseNoCertID = `<?xml version="1.0" encoding="utf-8"?>
<interface-response>
<Success>True</Success>
<ProductType>Google Apps for Work - Monthly</ProductType>
<ActionType>Create</ActionType>
<DomainName>example.com</DomainName>
<OrderID>162046629</OrderID>
<Command>PURCHASESERVICES</Command>
<ErrCount>0</ErrCount>
<Done>true</Done>
</interface-response>`

const sampleCertGetCerts = `<?xml version="1.0" encoding="utf-8"?>
<interface-response>
<CertGetCerts>
 <Certs>
  <Cert>
   <IsExpired>False</IsExpired>
   <CertID>726340</CertID>
   <OrderDate>12/15/2016</OrderDate>
   <ConfigDate></ConfigDate>
   <DomainName><![CDATA[buditest.com]]></DomainName>
   <ValidityPeriod>12</ValidityPeriod>
   <RenewalIndicator>False</RenewalIndicator>
   <ProdType>23</ProdType>
   <ProdDesc>SSL Certificate - RapidSSL</ProdDesc>
   <ExpirationDate>12/15/2017</ExpirationDate>
   <ServerCount>1</ServerCount>
   <CertStatus>Cert Issued</CertStatus>
   <CertStatusID>7</CertStatusID>
   <OrderID>267562071</OrderID>
   <DomainCountAllowed></DomainCountAllowed>
   <ReissueStatus></ReissueStatus>
  </Cert>
  <Cert>
   <IsExpired>True</IsExpired>
   <CertID>435118</CertID>
   <OrderDate>12/9/2013</OrderDate>
   <ConfigDate></ConfigDate>
   <DomainName><![CDATA[buditest.com]]></DomainName>
   <ValidityPeriod>12</ValidityPeriod>
   <RenewalIndicator>False</RenewalIndicator>
   <ProdType>23</ProdType>
   <ProdDesc>SSL Certificate - RapidSSL</ProdDesc>
   <ExpirationDate>12/9/2014</ExpirationDate>
   <ServerCount>1</ServerCount>
   <CertStatus>Awaiting Configuration</CertStatus>
   <CertStatusID>1</CertStatusID>
   <OrderID>237772242</OrderID>
   <DomainCountAllowed></DomainCountAllowed>
   <ReissueStatus></ReissueStatus>
  </Cert>
  <ProductType>all</ProductType>
  <StatusID>all</StatusID>
  <StartPosition>1</StartPosition>
  <PagingPageSize>2</PagingPageSize>
  <Count>2</Count>
  <Sortby></Sortby>
  <SortByDirection>desc</SortByDirection>
  <TotalRecords>105</TotalRecords>
 </Certs>
</CertGetCerts>
<TotalCertCount>105</TotalCertCount>
<Command>CERTGETCERTS</Command>
<APIType>API.NET</APIType>
<Language>eng</Language>
<ErrCount>0</ErrCount>
<ResponseCount>0</ResponseCount>
<MinPeriod>1</MinPeriod>
<MaxPeriod>10</MaxPeriod>
<Server>sjl0vwapi05</Server>
<Site>eNom</Site>
<IsLockable/>
<IsRealTimeTLD/>
<TimeDifference>+0.00</TimeDifference>
<ExecTime>0.031</ExecTime>
<Done>true</Done>
<TrackingKey>cce2f424-8a40-465b-851a-845e19700391</TrackingKey>
<RequestDateTime>12/16/2016 1:11:00 PM</RequestDateTime>
</interface-response>`

const sampleCertGetCertsText = "CertID=11\nOrderDate=1/2/2026\nDomainName=a.example.com\nCertStatusID=2\nCertStatus=Processing\n" +
	"CertID=12\nDomainName=b.example.com\nCertStatusID=4\nCertStatus=Certificate Issued\nIsExpired=TRUE\n" +
	"TotalRecords=2\nErrCount=0\nDone=True\n"

const sampleConfigure = `<?xml version="1.0" encoding="utf-8"?>
<interface-response>
<CertConfigureCert>
  <CertID>725899</CertID>
  <ProdType>23</ProdType>
  <CSRData>
   <Success>True</Success>
   <Organization>rightside.co</Organization>
   <DomainName>resellerdocs.com</DomainName>
   <Email></Email>
   <HasBadExtensions>false</HasBadExtensions>
   <Locality>kirkland</Locality>
   <OrganizationUnit>dev</OrganizationUnit>
   <State>wa</State>
   <Country>US</Country>
  </CSRData>
  <ApproverEmail></ApproverEmail>
  <Success>True</Success>
  <Approver Type="Domain">
   <ApproverEmail>admin@resellerdocs.com</ApproverEmail>
  </Approver>
  <Approver Type="Generic">
   <ApproverEmail>webmaster@resellerdocs.com</ApproverEmail>
  </Approver>
  <Approver Type="Generic">
   <ApproverEmail> ADMIN@resellerdocs.com </ApproverEmail>
  </Approver>
  <Approver Type="Manual"></Approver>
</CertConfigureCert>
<Command>CERTCONFIGURECERT</Command>
<APIType>API</APIType>
<Language>eng</Language>
<ErrCount>0</ErrCount>
<ResponseCount>0</ResponseCount>
<Done>true</Done>
<TrackingKey>a25ce569-cc05-42aa-abf9-d1ae780d5588</TrackingKey>
<RequestDateTime>3/1/2017 1:02:10 PM</RequestDateTime>
</interface-response>`

const sampleConfigureDNS = `<?xml version="1.0" encoding="utf-8"?>
 <interface-response>
 <CertConfigureCert>
  <CertID>726216</CertID>
  <ProdType>286</ProdType>
  <DVAuthMethod>DNS</DVAuthMethod>
  <ApproverEmail></ApproverEmail>
  <FileAuthName></FileAuthName>
  <FileAuthContents></FileAuthContents>
  <DNSAuthEntry>@</DNSAuthEntry>
  <DNSAuthType>TXT</DNSAuthType>
  <DNSAuthAddress>
   20170303210335hi8lp217ob29a2f4vh4joryuhiy3iv8qymsrvb2312922kcfe
   </DNSAuthAddress>
  <DNSAuthHostUpdate>True</DNSAuthHostUpdate>
  <CSR></CSR>
  <RSA></RSA>
 </CertConfigureCert>
 <Command>CERTCONFIGURECERT</Command>
 <ErrCount>0</ErrCount>
 <Done>true</Done>
 </interface-response>`

const sampleApprovers = `<?xml version="1.0" encoding="utf-8"?>
<interface-response>
<CertGetApproverEMail>
  <Success>True</Success>
  <Approver Type="Domain">
   <ApproverEmail>admin@buditest.com</ApproverEmail>
  </Approver>
  <Approver Type="Generic">
   <ApproverEmail><![CDATA[hostmaster@buditest.com]]></ApproverEmail>
  </Approver>
  <Approver Type="Manual"></Approver>
</CertGetApproverEMail>
<Command>CERTGETAPPROVEREMAIL</Command>
<APIType>API</APIType>
<Language>eng</Language>
<ErrCount>0</ErrCount>
<Done>true</Done>
</interface-response>`

const sampleApproversText = "ApproverEmail=admin@t.example.com\r\nApproverEmail=webmaster@example.com\r\nApprover=\r\nErrCount=0\r\nDone=true\r\n"

const sampleParseCSR = `<?xml version="1.0" encoding="utf-8"?>
<interface-response>
<CertParseCSR>
 <Success>True</Success>
 <Organization>rightside.co</Organization>
 <DomainName>buditest.com</DomainName>
 <Email></Email>
 <HasBadExtensions>False</HasBadExtensions>
 <Locality>kirkland</Locality>
 <OrganizationUnit>dev</OrganizationUnit>
 <State>wa</State>
 <Country>US</Country>
</CertParseCSR>
<Command>CERTPARSECSR</Command>
<APIType>API.NET</APIType>
<Language>eng</Language>
<ErrCount>0</ErrCount>
<Done>true</Done>
</interface-response>`

const samplePurchaseCert = `<interface-response>
<CertPurchaseCert>
  <Success>True</Success>
  <GeoTrustOrderID>14228176</GeoTrustOrderID>
  <ApproverEmail>admin@buditest.com</ApproverEmail>
  <DVAuthMethod></DVAuthMethod>
  <FileAuthName></FileAuthName>
  <FileAuthContents></FileAuthContents>
  <DNSAuthEntry></DNSAuthEntry>
  <DNSAuthAddress></DNSAuthAddress>
  <CertID>48455</CertID>
</CertPurchaseCert>
<Command>CERTPURCHASECERT</Command>
<APIType>API</APIType>
<Language>eng</Language>
<ErrCount>0</ErrCount>
<Done>true</Done>
<TrackingKey>3bdfd6fd-c335-4c62-883a-611b99862c52</TrackingKey>
<RequestDateTime>12/16/2016 10:39:20 AM</RequestDateTime>
</interface-response>`

const testCertPEM = "-----BEGIN CERTIFICATE-----\nMIIBfzCCASWgAwIBAgIQV9OHOE3c6nT93ARUn2LWozAK\nBggqhkjOPQQDAjAA\n-----END CERTIFICATE-----\n"

const sampleCertDetail = `<?xml version="1.0" encoding="utf-8"?>
<interface-response>
<CertGetCertDetail>
 <CertID>726347</CertID>
 <DomainName>buditest.com</DomainName>
 <ValidityPeriod>12</ValidityPeriod>
 <OrderDate>12/15/2016 5:13:02 PM</OrderDate>
 <ConfigDate></ConfigDate>
 <RenewalIndicator>False</RenewalIndicator>
 <WebServerTypeID>18</WebServerTypeID>
 <WebServerTypeName>Other</WebServerTypeName>
 <OrderID>267562392</OrderID>
 <OrderDetailID>185806132</OrderDetailID>
 <ExpirationDate>12/15/2017 5:13:02 PM</ExpirationDate>
 <ServerCount>1</ServerCount>
 <DVAuthMethod>DNS</DVAuthMethod>
 <AuthStatusID />
 <AuthStatusName></AuthStatusName>
 <AuthStatusLastUpdate />
 <ApproverEmail></ApproverEmail>
 <FileAuthName></FileAuthName>
 <FileAuthContents></FileAuthContents>
 <DNSAuthEntry>s23lxkrm431e2d23d1188qij441a</DNSAuthEntry>
 <DNSAuthAddress>s20201215064552.buditest.com</DNSAuthAddress>
 <Message></Message>
 <CertStatusID>1</CertStatusID>
 <CertStatus>Awaiting Configuration</CertStatus>
 <CertStatusDetail></CertStatusDetail>
 <CertOrderStateID />
 <CertOrderStateName></CertOrderStateName>
 <ReissueStatus></ReissueStatus>
 <ComodoReissueStatus></ComodoReissueStatus>
 <ProdType>286</ProdType>
 <ProdDesc>Symantec Encryption Everywhere</ProdDesc>
 <UseWebHosting>0</UseWebHosting>
 <SSLCertificate><![CDATA[-----BEGIN CERTIFICATE-----
 MIIBfzCCASWgAwIBAgIQV9OHOE3c6nT93ARUn2LWozAK
 BggqhkjOPQQDAjAA
 -----END CERTIFICATE-----]]></SSLCertificate>
 <IntermediateCertificates>
  <ICA1><![CDATA[-----BEGIN CERTIFICATE----- MIIBICA= -----END CERTIFICATE-----]]></ICA1>
 </IntermediateCertificates>
 <CSR><![CDATA[-----BEGIN NEW CERTIFICATE REQUEST-----
  MIIBCSR=
  -----END NEW CERTIFICATE REQUEST-----]]>
 </CSR>
 <CACerts><![CDATA[]]></CACerts>
 <PVT><![CDATA[-----BEGIN RSA PRIVATE KEY-----
  -----END RSA PRIVATE KEY-----]]></PVT>
 <ReferenceID></ReferenceID>
 <DomainCountAllowed></DomainCountAllowed>
 <DomainList />
 <AdminOrgName><![CDATA[Rightside]]></AdminOrgName>
 <AdminJobTitle><![CDATA[Dev]]></AdminJobTitle>
 <AdminFName><![CDATA[John]]></AdminFName>
 <AdminLName><![CDATA[Smith]]></AdminLName>
 <AdminStateProvince><![CDATA[BC]]></AdminStateProvince>
 <AdminStateProvinceChoice>P</AdminStateProvinceChoice>
 <AdminPhone>+1.4252744500</AdminPhone>
 <AdminEmailAddress><![CDATA[john@buditest.com]]></AdminEmailAddress>
 <WebServerTypes>
  <WebServerType>
   <WebServerTypeID>22</WebServerTypeID>
   <WebServerTypeName>Apache + ApacheSSL</WebServerTypeName>
   <WebServerTypeCode>apacheapachessl</WebServerTypeCode>
  </WebServerType>
 </WebServerTypes>
</CertGetCertDetail>
<Command>CERTGETCERTDETAIL</Command>
<APIType>API.NET</APIType>
<Language>eng</Language>
<ErrCount>0</ErrCount>
<Done>true</Done>
</interface-response>`

const sampleCertDetailIssued = "<?xml version=\"1.0\" encoding=\"utf-16\"?>\r\n<interface-response>\r\n<CertGetCertDetail>\r\n" +
	"<CertID>900</CertID>\r\n<DomainName>shop.example.com</DomainName>\r\n<CertStatusID>4</CertStatusID>\r\n" +
	"<CertStatus>Certificate Issued</CertStatus>\r\n<ExpirationDate>10/18/2026 9:00:00 am</ExpirationDate>\r\n" +
	"<SSLCertificate><![CDATA[" + testCertPEM + "]]></SSLCertificate>\r\n" +
	"<CACerts><![CDATA[-----BEGIN CERTIFICATE-----\r\nMIICA==\r\n-----END CERTIFICATE-----\r\n]]></CACerts>\r\n" +
	"<DomainList><Domain>shop.example.com</Domain><Domain>www.shop.example.com</Domain></DomainList>\r\n" +
	"</CertGetCertDetail>\r\n<ErrCount>0</ErrCount>\r\n<Done>True</Done>\r\n</interface-response>\r\n"

// sampleReissue is the vendor's CertReissueCert sample as printed, without its opening root tag.
const sampleReissue = `<?xml version="1.0" ?>

 <Success>True</Success>

 <Message />

 <Command>CERTREISSUECERT</Command>

 <Language>en</Language>

 <ErrCount>0</ErrCount>

 <ResponseCount>0</ResponseCount>

 <MinPeriod />

 <Done>true</Done>

 <TrackingKey>00000000-0000-0000-0000-000000000000</TrackingKey>

 <RequestDateTime>1/11/2012 11:18:42 AM</RequestDateTime>

</interface-response>`

const sampleModifyOrder = `<?xml version="1.0" ?>
<interface-response>
 <CertModifyOrder>
  <CertID>48455</CertID>
 </CertModifyOrder>
 <Command>CERTMODIFYORDER</Command>
 <Language>en</Language>
 <ErrCount>0</ErrCount>
 <Server>RESELLERTEST</Server>
 <Site>enom</Site>
 <Done>true</Done>
</interface-response>`

const sampleChangeApprover = `<?xml version="1.0" encoding="utf-8"?>
<interface-response>
<CertChangeApproverEmail>
 <ApproverEmail><![CDATA[webmaster@buditest.com]]></ApproverEmail>
 <Success>true</Success>
</CertChangeApproverEmail>
<Command>CERTCHANGEAPPROVEREMAIL</Command>
<ErrCount>0</ErrCount>
<Done>true</Done>
</interface-response>`

const sampleResendApprover = `<?xml version="1.0" encoding="utf-8"?>
<interface-response>
<CertResendApproverEmail>
 <ApproverEmail><![CDATA[admin@buditest.com]]></ApproverEmail>
 <Success>TRUE</Success>
</CertResendApproverEmail>
<Command>CERTRESENDAPPROVEREMAIL</Command>
<ErrCount>0</ErrCount>
<Done>true</Done>
</interface-response>`

// Error payloads.

const sampleBadLoginXML = `<?xml version="1.0" ?>
<interface-response>
 <DomainRRP>E</DomainRRP>
 <Command>SETHOSTS</Command>
 <ErrCount>1</ErrCount>
 <errors>
  <Err1>Bad User name or Password</Err1>
 </errors>
 <Server>Dev Workstation</Server>
 <Site>enom</Site>
 <IsLockable>True</IsLockable>
 <Done>true</Done>
</interface-response>`

const sampleBadLoginText = "ErrCount=1\r\nErr1=Bad User name or Password\r\nResponseNumber1=304155\r\n" +
	"ResponseString1=Validation error; invalid ; loginid\r\nDone=true\r\n"

const sampleIPRefused = `<?xml version="1.0"?>
<interface-response>
  <ErrCount>1</ErrCount>
  <errors>
    <Err1>User not permitted from this IP address: 1.2.3.4</Err1>
  </errors>
</interface-response>`

const samplePasswordsText = ";URL Interface<br>\n;Machine is Reseller4<br>\n-Command=SETDNSHOST\nLanguage=eng\nErrCount=1\n" +
	"Err1=Passwords do not match\nResponseCount=1\nResponseNumber1=304156\nResponseString1=Validation error; invalid ; password\n" +
	"MinPeriod=1\nMaxPeriod=10\nServer=Reseller4\nSite=\nIsLockable=True\nIsRealTimeTLD=True\nTimeDifference=+08.00\n" +
	"ExecTime=0.235\nDone=true\n"

const sampleInsufficientFunds = `<?xml version="1.0" encoding="utf-8"?>
<interface-response>
<Command>PURCHASESERVICES</Command>
<ErrCount>1</ErrCount>
<errors><Err1>Insufficient funds in the reseller account to complete this purchase</Err1></errors>
<ResponseCount>1</ResponseCount>
<responses><response><ResponseNumber>524181</ResponseNumber>
<ResponseString>Payment error; insufficient reseller balance ; account balance</ResponseString></response></responses>
<Done>true</Done>
</interface-response>`

const sampleTwoErrors = `<interface-response><ErrCount>2</ErrCount><errors><Err1>Invalid CSR: too short</Err1>
<Err2>Bad User name or Password</Err2></errors><ResponseCount>2</ResponseCount><responses>
<response><ResponseNumber>304397</ResponseNumber><ResponseString>Validation error; invalid ; csr</ResponseString></response>
<response><ResponseNumber>304155</ResponseNumber><ResponseString>Validation error; invalid ; loginid</ResponseString></response>
</responses><Done>true</Done></interface-response>`

/**
 * Every user-facing string of the portal in English and Japanese, language negotiation, and the formatters that
 * turn catalog and usage values into the text the view models carry.
 *
 * Messages are plain text with `{name}` placeholders: templates escape them on output, so no message holds HTML.
 */
import type { Lang } from './models.ts';

/** The portal languages, the default first. */
export const LANGS: readonly Lang[] = ['en', 'ja'];

/** The language used when nothing else decides. */
export const DEFAULT_LANG: Lang = 'en';

const en = {
  // Layout
  'site.skipToContent': 'Skip to main content',
  'site.testBadge': 'TEST',
  'site.testBanner': 'Test signing certificate — documents from this site are for testing only',
  'site.languageNav': 'Language',
  'site.footer.about': 'This site lets you buy and set up a mobile broadband data plan for your Windows PC.',
  'site.footer.support': 'Questions? Contact {operator} customer support.',
  'site.footer.copyright': '© {operator}',
  'site.footer.nav': 'Support and policies',
  'site.footer.phone': 'Customer support by phone',
  'site.footer.supportPage': 'Customer support',
  'site.footer.terms': 'Terms of service',
  'site.footer.privacy': 'Privacy policy',
  'site.footer.refunds': 'Refund policy',
  'site.home': 'Go to the start page',

  // Home
  'home.title': 'Mobile broadband data plans',
  'home.heading': 'Data plans for your PC',
  'home.intro':
    'This is the {operator} mobile broadband site. Windows opens it by itself when the SIM or USB modem in your PC is connected to our network but has no active data plan, so that you can choose one.',
  'home.how.title': 'How to get here',
  'home.how.1': 'Insert your {operator} SIM into the PC, or plug in your USB modem.',
  'home.how.2': 'Select the network icon on the taskbar, select the cellular network, then select Connect.',
  'home.how.3':
    'If the SIM has no active plan, Windows opens this site with the details of your SIM and shows the plans you can buy.',
  'home.nothingToDo':
    'If you opened this page yourself, there is nothing to do here. If your PC already connects to the internet over mobile broadband, your plan is active.',

  // Invalid parameters
  'invalid.title': 'This link is not valid',
  'invalid.intro':
    'Windows opened this page with details of your SIM and device, but some of them are not in a form we recognise:',
  'invalid.valueReceived': 'Value received:',
  'invalid.empty': '(empty)',
  'invalid.next':
    'Please disconnect and connect to the mobile broadband network again so that Windows opens this page again. If this keeps happening, contact customer support and tell them the details above.',
  'param.SubId': 'Subscriber ID (SubId)',
  'param.DevId': 'Device ID (DevId)',
  'param.IccId': 'SIM card number (IccId)',
  'problem.subid.format': 'This must be an IMSI of up to 15 digits or a 10-digit MIN.',
  'problem.devid.format':
    'This must be an IMEI of up to 15 digits, an ESN (11 digits or 8 hexadecimal characters) or a MEID (17 or 18 digits, or 14 hexadecimal characters).',
  'problem.devid.cdma-range':
    'This is not an ESN or MEID: in an ESN of 11 digits the first 3 are at most 255 and the last 8 at most 16777215; in a MEID of 18 digits the first 10 are at most 4294967295 and the last 8 at most 16777215 (code MBPROV_CDMA_DEVICE_ID_RANGE).',
  'problem.iccid.format': 'This must be a SIM card number (ICCID) of 19 or 20 digits.',
  'problem.duplicate': 'This was given more than once.',
  'problem.unknown': 'This value is not valid.',

  // Unknown SIM
  'unknownSim.title': 'We don’t recognise this SIM',
  'unknownSim.intro':
    'The SIM in this PC is not registered with {operator}, so we can’t offer plans for it here.',
  'unknownSim.recent':
    'If you got this SIM from us in the last few hours, it may not be ready yet. Please try again later.',
  'unknownSim.support':
    'If the problem continues, contact {operator} customer support and tell them the SIM card number shown here.',

  // Identifiers naming different subscribers
  'idsConflict.title': 'The SIM and this PC don’t match our records',
  'idsConflict.intro':
    'The identifiers this PC sent belong to different {operator} subscriptions, so we can’t tell which one to offer plans for.',
  'idsConflict.support':
    'No plan was bought and nothing was changed. Contact {operator} customer support and tell them the numbers shown here (code MBPROV_SUBSCRIBER_IDS_CONFLICT).',

  // SIM details
  'sim.title': 'Your SIM',
  'sim.iccid': 'SIM card number (ICCID)',
  'sim.imsi': 'Subscriber ID (IMSI)',
  'sim.min': 'Mobile number (MIN)',
  'sim.subId': 'Subscriber ID',

  // Plans
  'plans.title': 'Choose a plan',
  'plans.heading.first-use-usb': 'Welcome! Let’s get your USB modem online',
  'plans.intro.first-use-usb':
    'Your USB modem is connected to the {operator} network but has no data plan yet. Choose a plan and pay below: you can use the internet as soon as the payment is complete.',
  'plans.heading.first-use-embedded': 'Welcome! Let’s activate your SIM',
  'plans.intro.first-use-embedded':
    'Your SIM is in this PC’s built-in mobile broadband modem and is connected to the {operator} network, but it has no data plan yet. Choose a plan and pay below to start.',
  'plans.heading.renewal-expired': 'Your plan has ended',
  'plans.intro.renewal-expired': 'Your data plan has expired. Choose a new plan below to get back online.',
  'plans.heading.renewal-exhausted': 'You’ve used all your data',
  'plans.intro.renewal-exhausted': 'Your plan has no data left. Choose a new plan below to get back online.',
  'plans.heading.active-extend': 'Add more to your plan',
  'plans.intro.active-extend':
    'Buy another period of your current plan: its end date moves by the plan’s duration and its data allowance grows.',
  'plans.heading.active-replace': 'Change your plan',
  'plans.intro.active-replace': 'Choose a new plan: it replaces your current plan as soon as you pay.',
  'plans.previous': 'Your previous plan, {name}, ended on {date}.',
  'plans.previous.exhausted': 'Your previous plan, {name}, ran out of data on {date}.',
  'plans.choose': 'Choose a plan',
  'plans.none':
    'No plans are available for this SIM at the moment. Please try again later, or contact customer support.',
  'plans.error.title': 'Your purchase was not completed',
  'plans.error.declined':
    'Your payment was refused and you have not been charged. Please choose another way to pay, or contact customer support.',
  'plans.error.canceled':
    'You cancelled the payment, so you have not been charged. Your plan is still chosen below: continue when you are ready.',
  'plans.error.refunded':
    'Your payment could not be used for this plan and has been refunded in full. Please choose your plan again.',
  'plans.error.provider-unavailable':
    'The payment service cannot be reached right now, so you have not been charged. Please try again in a few minutes.',
  'plans.error.plan-unavailable':
    'The plan you chose is no longer available and you have not been charged. Please choose another plan.',
  'plans.error.already-active':
    'This SIM already has an active plan, so you have not been charged. There is nothing more to buy right now.',
  'plans.error.expired':
    'This purchase was not completed in time and has been cancelled: you have not been charged, and any payment taken has been refunded. Please choose your plan again.',
  'plans.error.page-expired':
    'This page was open for too long, so your purchase was not started and you have not been charged. Your plan is still chosen below: continue when you are ready.',
  'plans.error.title.page-expired': 'This page has expired',
  'plans.test.title': 'Test mode',
  'plans.test.body':
    'This site uses a test payment service: no real payment is taken. The payment page lists the test card numbers.',
  'plans.email.label': 'E-mail me the receipt (optional)',
  'plans.email.hint': 'We send the receipt to this address once, and do not keep the address.',
  'plans.email.invalid': 'Enter an e-mail address like name@example.com, or leave this field empty.',
  'plans.email.errorTitle': 'Please check the form',

  // Plan facts
  'plan.type': 'Type',
  'plan.type.Unrestricted': 'Unlimited',
  'plan.type.Fixed': 'Fixed data allowance',
  'plan.type.Variable': 'Pay as you go',
  'plan.data': 'Data',
  'plan.data.noLimit': 'No limit',
  'plan.duration': 'Valid for',
  'plan.bandwidth': 'Speed',
  'plan.bandwidth.upTo': 'Up to {speed}',
  'plan.bandwidth.noCap': 'No speed cap',
  'plan.price': 'Price',
  'plan.name': 'Plan',
  'common.labelColon': '{label}: ',

  // Payment
  'pay.note.hosted':
    'You pay on the secure page of our payment provider, where you enter your card: this site never sees your card number. The plan starts as soon as the payment is confirmed.',
  'pay.note.account':
    'The price is charged once to your mobile account (your bill or prepaid balance). The plan starts as soon as the charge is confirmed.',
  'pay.submit.hosted': 'Continue to payment',
  'pay.submit.account': 'Pay and start the plan',
  'pay.submit.hosted.amount': 'Continue to pay {amount}',
  'pay.description': '{operator}: {plan}',
  'pay.submit.account.amount': 'Pay {amount} and start the plan',
  'pending.title': 'Confirming your payment',
  'pending.heading': 'We are confirming your payment',
  'pending.body':
    'This usually takes a few seconds. This page checks again by itself; you do not need to pay again.',
  'pending.link': 'Check now',

  // Receipt
  'receipt.title': 'Receipt',
  'receipt.order': 'Order number',
  'receipt.paidAt': 'Paid on',
  'receipt.amount': 'Amount',
  'receipt.method': 'Paid with',
  'receipt.method.card': '{brand} ending in {last4}',
  'receipt.method.cardNoDigits': '{brand} card',
  'receipt.method.account': 'Your mobile account',
  'receipt.method.accountLabel': 'Your mobile account ({label})',
  'receipt.method.other': 'Other payment',
  'receipt.plan': 'Plan',
  'receipt.endsAt': 'Plan ends',
  'receipt.keep': 'Quote the order number if you contact customer support about this purchase.',

  // Receipt by e-mail
  'mail.receipt.subject': '{operator}: your receipt, order {order}',
  'mail.receipt.heading': 'Thank you for your purchase',
  'mail.receipt.intro':
    'We received your payment to {operator} and your plan is active. Here is your receipt.',
  'mail.receipt.support': 'Customer support: {phone}',
  'mail.receipt.why':
    'You get this e-mail because you asked for the receipt when you bought the plan. {operator} does not keep your e-mail address after sending it.',

  // Status
  'status.title': 'Your plan',
  'status.heading': 'Your plan is active',
  'status.intro': 'This SIM already has an active plan, so there is nothing to buy right now.',
  'status.intro.renewable': 'This SIM has an active plan.',
  'status.renew.title': 'Need more?',
  'status.renew.body.extend': 'You can buy another period of this plan now; it adds to the current one.',
  'status.renew.body.replace': 'You can switch to another plan now; it starts as soon as you pay.',
  'status.topUp.title': 'Running low?',
  'status.topUp.usage': 'You have used {percent}% of your data.',
  'status.topUp.ending': 'Your plan ends on {date}.',
  'status.topUp.refuse':
    'You can have one plan at a time: you can buy the next one from {date}, when this plan ends.',
  'status.topUp.refuseData': 'If your data runs out before then, you can buy a new plan as soon as it does.',
  'status.startsAt': 'Started',
  'status.endsAt': 'Ends',
  'status.usage': 'Data used',
  'status.usagePercent': '{percent}% used',
  'status.reinstall.title': 'Settings on this PC',
  'status.reinstall.body':
    'If this PC does not connect by itself, install the connection settings for your plan again.',
  'status.reinstall.link': 'Install the settings again',

  // Complete
  'complete.title': 'Purchase complete',
  'complete.heading': 'Thank you — your plan is active',
  'complete.intro': '{plan} is now active on your SIM.',
  'complete.order': 'Your order',
  'complete.setup.title': 'Set up this PC',
  'complete.setup.intro':
    'Windows also needs the connection settings for your plan. When this page is shown in the window that Windows opened for you, they are installed automatically: please confirm if Windows asks you.',
  'complete.status.working': 'Installing the settings on this PC…',
  'complete.status.success':
    'Done! The settings are installed on this PC. You can now connect to the mobile broadband network.',
  'complete.status.partial':
    'Some settings could not be installed. Your plan is active: please follow the steps below for the rest.',
  'complete.status.failed':
    'The settings could not be installed automatically. Your plan is active: please follow the steps below.',
  'complete.status.error':
    'The settings were not installed automatically. Your plan is active: please follow the steps below.',
  'complete.status.unknown':
    'Windows did not say whether the settings were installed. If this PC does not connect, please follow the steps below.',
  // What msProvisionNetworks answered: its documented Result codes 1–8 and any other code (docs/operator-guide.md).
  'complete.status.code1':
    'Windows could not install the settings. Your plan is active: select “Try again”, or follow the steps below to install them yourself.',
  'complete.status.code2':
    'Windows could not read the settings we sent. Your plan is active: please download the settings file and install it with the steps below.',
  'complete.status.code3':
    'Windows did not accept the settings because they were not signed. Your plan is active: please download the settings file and install it with the steps below.',
  'complete.status.code4':
    'Windows did not accept the settings because their signature could not be checked. Your plan is active: please download the settings file and install it with the steps below.',
  'complete.status.code5':
    'The installation was cancelled, so the settings are not installed yet. Your plan is active: select “Try again” and allow the installation when Windows asks you, or follow the steps below.',
  'complete.status.code6':
    'Windows found no Wi-Fi adapter on this PC, so the settings were not installed. Turn Wi-Fi on (check that airplane mode is off), then select “Try again”, or follow the steps below.',
  'complete.status.code7':
    'Windows found no mobile broadband modem on this PC, so the settings were not installed. Check that the SIM card is inserted and the modem is connected and turned on (airplane mode off), then select “Try again”, or follow the steps below.',
  'complete.status.code8':
    'Windows could not find the hardware the settings are for (the Wi-Fi adapter and the mobile broadband modem). Check that both are connected and turned on (airplane mode off), then select “Try again”, or follow the steps below.',
  'complete.status.code-other':
    'Windows reported an error while installing the settings. Your plan is active: select “Try again”, or follow the steps below to install them yourself.',
  'complete.status.detail': 'Windows result code: {code}',
  'complete.status.retry': 'Try again',
  'complete.status.support':
    'If this PC still does not connect, call {operator} customer support at {phone}.',
  'complete.status.supportNoPhone': 'If this PC still does not connect, contact {operator} customer support.',
  'complete.fallback.title': 'Install the settings yourself',
  'complete.fallback.intro':
    'Your plan already works. If the settings were not installed automatically (for example because this page is open in another browser), follow these steps:',
  'complete.fallback.download': 'Download the settings file',
  'complete.fallback.wifi': 'Install the Wi-Fi settings',
  'complete.fallback.wifiProfiles': 'Wi-Fi networks included:',
  'complete.step.download':
    'Select “Download the settings file” and save it on this PC, for example in Downloads.',
  'complete.step.wifi':
    'Select “Install the Wi-Fi settings”. Windows Settings opens and shows the Wi-Fi networks listed here. Check that they come from {operator}, then select Install.',
  'complete.step.connect':
    'Select the network icon on the taskbar, select the cellular network, then select Connect. Your plan is active, so this works even before the settings are installed.',
  'complete.step.keep':
    'Keep the settings file. If this PC still does not connect, contact {operator} customer support: they will help you install it.',

  // Operator error
  'operatorError.title': 'Something went wrong on our side',
  'operatorError.body':
    'A problem in our systems stopped us from completing your request. Please try again in a few minutes.',
  'operatorError.paid':
    'If you have already paid, please do not pay again: contact customer support and we will sort it out.',
  'operatorError.reference': 'Reference number',
  'operatorError.quote': 'Please quote this reference number when you contact customer support.',

  // Generic errors
  'error.400.title': 'Bad request',
  'error.400.body': 'We could not understand this request. Please check the address and try again.',
  'error.403.title': 'This page has expired',
  'error.403.body':
    'For your security, this form can only be sent once and for a limited time. Please open the page again and retry.',
  'error.404.title': 'Page not found',
  'error.404.body': 'The page you asked for does not exist. Please check the address.',
  'error.409.title': 'Already in progress',
  'error.409.body':
    'This request was already received and is being handled or is complete. Please do not send it again.',
  'error.413.title': 'Too much data',
  'error.413.body': 'The request was too large. Please try again.',
  'error.429.title': 'Too many requests',
  'error.429.body': 'You have made a lot of requests in a short time. Please wait a minute and try again.',
  'error.checkoutLimit.body':
    'Too many purchases have been started for this SIM or from this network in a short time. You have not been charged. Please try again later.',
  'error.500.title': 'Something went wrong',
  'error.500.body': 'Something went wrong on our side. Please try again in a few minutes.',
  'error.again': 'Choose your plan again',
  'error.loginLimit.body':
    'Too many failed attempts to log in or redeem a voucher have come from this network or for this address. Please wait an hour and try again.',
  'error.signupLimit.body':
    'Too many accounts have been created from this network in a short time. Please try again later.',
  'receipt.method.voucher': 'Voucher',

  // Customers without a SIM (docs/hotspot.md)
  'home.wifi.title': 'No SIM? Get Wi-Fi access',
  'home.wifi.body':
    'You can also buy access to the {operator} Wi-Fi hotspots without a SIM: with an account or a voucher.',
  'home.wifi.link': 'Wi-Fi plans',
  'wifi.title': 'Wi-Fi access',
  'wifi.heading': 'Wi-Fi access without a SIM',
  'wifi.intro':
    'Use the {operator} Wi-Fi hotspots on your Windows PC. Create an account or redeem a voucher, choose a plan, and install the Wi-Fi settings: your PC then logs in to the hotspots by itself.',
  'wifi.plans.title': 'Wi-Fi plans',
  'wifi.none': 'No Wi-Fi plans are on sale at the moment. Please try again later.',
  'wifi.start.title': 'Get started',
  'wifi.signup.link': 'Create an account',
  'wifi.login.link': 'Log in',
  'wifi.voucher.link': 'Redeem a voucher',
  'wifi.account.title': 'Your account',
  'wifi.account.signedIn': 'You are logged in as {email}.',
  'wifi.account.buy': 'Buy a Wi-Fi plan',
  'wifi.account.status': 'See your plan',
  'wifi.logout': 'Log out',
  'wifi.field.email': 'E-mail address',
  'wifi.field.password': 'Password',
  'wifi.field.passwordHint': 'At least 10 characters.',
  'wifi.field.code': 'Voucher code',
  'wifi.field.codeHint': 'The 16 letters and digits on your voucher, for example 7KQ2-M9XD-4HBT-QW3E.',
  'wifi.error.title': 'Please check the form',
  'wifi.error.exists': 'An account with this e-mail address exists already. Log in instead.',
  'wifi.error.invalid-email': 'Enter an e-mail address like name@example.com.',
  'wifi.error.weak-password': 'Choose a password of 10 to 256 characters.',
  'wifi.error.login-failed': 'The e-mail address or the password is not right.',
  'wifi.error.invalid-code': 'This voucher code is not valid, or it has been used already.',
  'wifi.error.expired-code': 'This voucher has expired.',
  'wifi.error.already-active':
    'Your account already has an active plan, so the voucher was not used. Redeem it when your plan has ended.',
  'wifi.error.plan-unavailable':
    'The plan of this voucher cannot be added to your current plan; the voucher was not used.',
  'wifi-signup.title': 'Create an account',
  'wifi-signup.intro':
    'With an account you can buy Wi-Fi plans, and come back to see your plan and install the settings again.',
  'wifi-signup.submit': 'Create account',
  'wifi-signup.other': 'Already have an account?',
  'wifi-login.title': 'Log in',
  'wifi-login.intro': 'Log in to buy a Wi-Fi plan or see your plan.',
  'wifi-login.submit': 'Log in',
  'wifi-login.other': 'No account yet?',
  'wifi-voucher.title': 'Redeem a voucher',
  'wifi-voucher.intro':
    'Enter the code of your voucher: its plan starts at once. If you are logged in, the plan goes to your account.',
  'wifi-voucher.submit': 'Redeem',
  'plans.heading.wifi-first-use': 'Choose your Wi-Fi plan',
  'plans.intro.wifi-first-use':
    'Choose a plan and pay below: you can use the {operator} Wi-Fi hotspots as soon as the payment is complete and the settings are installed.',
  'status.intro.wifi': 'Your account already has an active Wi-Fi plan, so there is nothing to buy right now.',
  'status.intro.wifi.renewable': 'Your account has an active Wi-Fi plan.',
  'complete.intro.wifi': '{plan} is now active. Install the Wi-Fi settings on this PC to use it.',
  'complete.intro.device': '{plan} is now active. Install the Wi-Fi settings on this device to use it.',
  'complete.wifi.title': 'Set up this PC',
  'complete.wifi.intro': 'Your PC needs the Wi-Fi settings of your plan, with the login for the hotspots:',
  'complete.wifi.step.install':
    'Select “Install the Wi-Fi settings”. Windows Settings opens and shows the Wi-Fi networks listed here. The first time, Windows asks whether you trust {operator}: check the name, then select Install.',
  'complete.wifi.step.download':
    'If Settings does not open, select “Download the settings file”, keep it, and contact {operator} customer support: they will help you install it.',
  'complete.wifi.expiry':
    'These links work for {minutes} minutes. If one no longer works, reload this page for new ones.',
  'complete.passpoint.title': 'Sign-in for {networks}',
  'complete.passpoint.intro':
    'The first time your PC connects to these networks, Windows asks for a user name and password. Enter:',
  'complete.passpoint.user': 'User name',
  'complete.passpoint.password': 'Password',
  'complete.passpoint.keep':
    'Keep them private: they are your plan’s. This page shows them again while your plan is active.',
  'devices.apple.title': 'Set up this iPhone, iPad or Mac',
  'devices.apple.intro':
    'Install the {operator} Wi-Fi profile: your device then joins the {operator} hotspots and signs in by itself.',
  'devices.apple.step.download': 'Select “Download the profile” and allow the download.',
  'devices.apple.step.install':
    'On an iPhone or iPad, open Settings, select “Profile Downloaded”, then Install. On a Mac, open System Settings, then Privacy & Security, Profiles. The profile is signed by {operator}: check the name before you install it.',
  'devices.apple.button': 'Download the profile',
  'devices.apple.name': 'iPhone, iPad or Mac',
  'devices.android.title': 'Set up this Android phone',
  'devices.android.intro':
    'Install the {operator} Passpoint profile: your phone then joins the {operator} hotspots and signs in by itself.',
  'devices.android.step.download':
    'Select “Install the Passpoint profile”. Android asks whether to install it: check that it names {operator}, then select Install.',
  'devices.android.step.needs':
    'This needs Android 11 or later with Passpoint support, which most phones have.',
  'devices.android.button': 'Install the Passpoint profile',
  'devices.android.name': 'Android phone',
  'devices.windows.name': 'Windows PC',
  'devices.other.title': 'Other devices',
  'devices.other.intro':
    'Your plan works on your other devices too. Open the link on the device you want to set up, or open this page on it:',
  'devices.expiry': 'The profile links work for {minutes} minutes. Reload this page for new ones.',
  // Mobile Plans (docs/mobile-plans.md)
  'mp.cancel': 'Cancel',
  'mp.invalid.next':
    'Select Cancel and open Mobile Plans again so that Windows sends these details again. If this keeps happening, contact customer support and tell them the details above.',
  'param.eid': 'eSIM identifier (eid)',
  'param.iccids': 'eSIM profiles (iccids)',
  'param.iccid': 'SIM card number (iccid)',
  'param.imei': 'Device IMEI (imei)',
  'param.location': 'Location (location)',
  'param.market': 'Region (market)',
  'param.transactionId': 'Session reference (transactionId)',
  'problem.eid.format': 'This must be the 32 digits of the eSIM identifier (EID).',
  'problem.iccids.format':
    'Each entry must be a SIM card number (ICCID) of 19 or 20 digits, the entries separated by commas.',
  'problem.iccids.count': 'This lists more than 16 SIM card numbers.',
  'problem.imei.format': 'This must be an IMEI of 14 to 16 digits.',
  'problem.country.format': 'This must be a two-letter country or region code, such as US or JP.',
  'problem.transactionId.format': 'This must be at most 64 characters, without spaces.',
  'problem.launch.both':
    'The link names both an eSIM (eid) and a SIM card (iccid), where Mobile Plans sends one.',
  'problem.launch.missing': 'The link names neither an eSIM (eid) nor a SIM card (iccid).',
  'mp.lpa.title': 'Your last eSIM download did not finish',
  'mp.lpa.reported': 'Windows reported: {codes}',
  'mp.lpa.retry': 'Try the download again',
  'mp.step.success': 'The eSIM profile is installed and active.',
  'mp.step.retry': 'This was a passing problem on the network or in the PC. Please try the download again.',
  'mp.step.free-space':
    'The eSIM in this PC has no room for another profile. Delete a profile you no longer use in Settings › Network & internet › Cellular › eSIM profiles, then try again.',
  'mp.step.code':
    'The download needs a confirmation code, and it was missing or not right. Try again and type the code exactly as you received it.',
  'mp.step.device':
    'Windows could not reach the eSIM or the modem of this PC. Make sure airplane mode is off, restart the PC, then try again.',
  'mp.step.support':
    'Our systems could not give this PC its profile. Please contact {operator} customer support: they can see what happened.',
  'mp.registration.waiting': 'Not connected to the mobile network yet.',
  'mp.registration.searching': 'Looking for the {operator} network…',
  'mp.registration.connected': 'Connected to the mobile network. You are ready to go.',
  'mp.registration.denied': 'The network did not accept this PC. Please contact {operator} customer support.',
  'mp.esim.title': 'A plan for this PC’s eSIM',
  'mp.esim.intro':
    '{operator} can put a mobile data plan on the eSIM built into this PC: choose a plan, pay, and Windows downloads it. No SIM card needed.',
  'mp.esim.plans': 'Plans on offer',
  'mp.esim.continue': 'Choose a plan',
  'mp.complete.title': 'Order confirmation',
  'mp.complete.heading': 'Thank you: your plan is ready',
  'mp.complete.intro': 'You bought {plan}. This page is your order confirmation.',
  'mp.complete.setup': 'Setting up this PC',
  'mp.status.working': 'Handing your plan to Mobile Plans…',
  'mp.status.download':
    'Mobile Plans is downloading your eSIM profile. You can keep using this page meanwhile.',
  'mp.status.delayed': 'Mobile Plans will offer to download your eSIM profile in about {minutes} minutes.',
  'mp.status.async':
    'Your eSIM profile is being installed. The PC connects to the network within about {minutes} minutes.',
  'mp.status.asyncNow':
    'Your eSIM profile is being installed. The PC connects to the network as soon as it is.',
  'mp.status.balance': 'Your plan is active. Mobile Plans takes you back to Windows.',
  'mp.status.cancelled': 'Mobile Plans takes you back to Windows.',
  'mp.status.downloadCancelled': 'The download is cancelled.',
  'mp.status.noHost': 'This page finishes in the Mobile Plans app. Open Mobile Plans on the PC to continue.',
  'mp.status.error':
    'Mobile Plans did not take the hand-over. Select Cancel and open Mobile Plans again: your plan is paid and stays active.',
  'mp.cancelDownload': 'Cancel the download',
  'mp.cancel.title': 'You left the purchase',
  'mp.cancel.body': 'Nothing more happens on this page, and you are signed out of the {operator} site.',
  'mp.cancel.again': 'Return to Mobile Plans',
  'error.503.title': 'Not available here',
  'error.503.body': 'This service is not available right now. Please try again later.',
  'error.esimUnavailable.body':
    'Plans for eSIMs are not on sale on this site. Please contact customer support to get a SIM card.',
  'error.esimLimit.body':
    'Too many new eSIM customers came from your network in the last hour. Please try again later.',
  'error.mobilePlansContext.body':
    'This page belongs to a purchase started in the Mobile Plans app. Please open Mobile Plans again.',
} as const;

/** Every message key. */
export type MessageKey = keyof typeof en;

const ja: Record<MessageKey, string> = {
  // Layout
  'site.skipToContent': '本文へ移動',
  'site.testBadge': 'テスト',
  'site.testBanner': 'テスト用の署名証明書を使用しています — このサイトの設定ファイルはテスト専用です',
  'site.languageNav': '言語',
  'site.footer.about':
    'このサイトでは、Windows PC でご利用いただくモバイル ブロードバンドのデータプランの購入と設定を行えます。',
  'site.footer.support': 'ご不明な点は、{operator}カスタマーサポートまでお問い合わせください。',
  'site.footer.copyright': '© {operator}',
  'site.footer.nav': 'サポートと規約',
  'site.footer.phone': 'カスタマーサポート（お電話）',
  'site.footer.supportPage': 'カスタマーサポート',
  'site.footer.terms': '利用規約',
  'site.footer.privacy': 'プライバシーポリシー',
  'site.footer.refunds': '返金ポリシー',
  'site.home': 'トップページへ',

  // Home
  'home.title': 'モバイル ブロードバンド データプラン',
  'home.heading': 'PC 向けデータプラン',
  'home.intro':
    'こちらは{operator}のモバイル ブロードバンド サイトです。PC の SIM カードまたは USB モデムが当社のネットワークに接続されていて、有効なデータプランがない場合に、プランをお選びいただけるよう Windows が自動的にこのサイトを開きます。',
  'home.how.title': 'このページを開くには',
  'home.how.1': '{operator}の SIM カードを PC に挿入するか、USB モデムを接続します。',
  'home.how.2':
    'タスク バーのネットワーク アイコンを選択し、携帯電話ネットワークを選んで［接続］を選択します。',
  'home.how.3':
    'SIM カードに有効なプランがない場合は、Windows が SIM カードの情報とともにこのサイトを開き、ご購入いただけるプランを表示します。',
  'home.nothingToDo':
    'ご自身でこのページを開いた場合は、ここで行う操作はありません。PC がモバイル ブロードバンドでインターネットに接続できている場合は、プランは有効です。',

  // Invalid parameters
  'invalid.title': 'このリンクは無効です',
  'invalid.intro':
    'Windows から SIM カードとデバイスの情報を受け取りましたが、一部の情報の形式が正しくありません。',
  'invalid.valueReceived': '受け取った値：',
  'invalid.empty': '（空欄）',
  'invalid.next':
    'モバイル ブロードバンド ネットワークからいったん切断し、もう一度接続して、Windows からこのページを開き直してください。繰り返し表示される場合は、上記の内容をカスタマーサポートまでお知らせください。',
  'param.SubId': '加入者 ID（SubId）',
  'param.DevId': 'デバイス ID（DevId）',
  'param.IccId': 'SIM カード番号（IccId）',
  'problem.subid.format': '15 桁以内の IMSI、または 10 桁の MIN である必要があります。',
  'problem.devid.format':
    '15 桁以内の IMEI、ESN（11 桁の数字または 8 桁の 16 進数）、または MEID（17 桁か 18 桁の数字、または 14 桁の 16 進数）である必要があります。',
  'problem.devid.cdma-range':
    'ESN または MEID として正しくありません。11 桁の ESN では先頭 3 桁が 255 以下、残り 8 桁が 16777215 以下、18 桁の MEID では先頭 10 桁が 4294967295 以下、残り 8 桁が 16777215 以下である必要があります（コード MBPROV_CDMA_DEVICE_ID_RANGE）。',
  'problem.iccid.format': '19 桁または 20 桁の SIM カード番号（ICCID）である必要があります。',
  'problem.duplicate': '複数回指定されています。',
  'problem.unknown': 'この値は正しくありません。',

  // Unknown SIM
  'unknownSim.title': 'この SIM カードは確認できませんでした',
  'unknownSim.intro':
    'この PC の SIM カードは{operator}に登録されていないため、こちらではプランをご案内できません。',
  'unknownSim.recent':
    '当社の SIM カードをお受け取りになってから数時間以内の場合は、まだご利用の準備ができていない可能性があります。しばらくしてからもう一度お試しください。',
  'unknownSim.support':
    '問題が解決しない場合は、ここに表示されている SIM カード番号を添えて、{operator}カスタマーサポートまでお問い合わせください。',

  // Identifiers naming different subscribers
  'idsConflict.title': 'SIM カードとこの PC の情報が当社の記録と一致しません',
  'idsConflict.intro':
    'この PC から送られた識別番号が{operator}の別々のご契約のものであるため、どのご契約のプランをご案内すればよいか判断できません。',
  'idsConflict.support':
    'プランの購入や変更は行われていません。ここに表示されている番号（コード MBPROV_SUBSCRIBER_IDS_CONFLICT）を添えて、{operator}カスタマーサポートまでお問い合わせください。',

  // SIM details
  'sim.title': 'ご利用の SIM カード',
  'sim.iccid': 'SIM カード番号（ICCID）',
  'sim.imsi': '加入者識別番号（IMSI）',
  'sim.min': '加入者番号（MIN）',
  'sim.subId': '加入者 ID',

  // Plans
  'plans.title': 'プランの選択',
  'plans.heading.first-use-usb': 'ようこそ。USB モデムのご利用を始めましょう',
  'plans.intro.first-use-usb':
    'USB モデムは{operator}のネットワークに接続されていますが、データプランがまだありません。下記からプランを選んでお支払いください。お支払いが完了すると、すぐにインターネットをご利用いただけます。',
  'plans.heading.first-use-embedded': 'ようこそ。SIM カードのご利用を始めましょう',
  'plans.intro.first-use-embedded':
    'SIM カードは PC 内蔵のモバイル ブロードバンド モデムで{operator}のネットワークに接続されていますが、データプランがまだありません。下記からプランを選んでお支払いいただくと、ご利用を開始できます。',
  'plans.heading.renewal-expired': 'プランの有効期間が終了しました',
  'plans.intro.renewal-expired':
    'データプランの有効期間が終了しました。引き続きご利用いただくには、下記から新しいプランをお選びください。',
  'plans.heading.renewal-exhausted': 'データ容量をすべて使い切りました',
  'plans.intro.renewal-exhausted':
    'ご利用中のプランのデータ容量が残っていません。引き続きご利用いただくには、下記から新しいプランをお選びください。',
  'plans.heading.active-extend': 'プランを追加購入する',
  'plans.intro.active-extend':
    '現在のプランをもう一期間ご購入いただけます。終了日がプランの期間分延び、データ容量が増えます。',
  'plans.heading.active-replace': 'プランを変更する',
  'plans.intro.active-replace':
    '新しいプランをお選びください。お支払いが完了した時点で、現在のプランと置き換わります。',
  'plans.previous': '前回のプラン「{name}」は{date}に終了しました。',
  'plans.previous.exhausted': '前回のプラン「{name}」は{date}にデータ容量を使い切りました。',
  'plans.choose': 'プランを選択してください',
  'plans.none':
    '現在、この SIM カードでご購入いただけるプランはありません。しばらくしてからもう一度お試しいただくか、カスタマーサポートまでお問い合わせください。',
  'plans.error.title': 'お申し込みは完了していません',
  'plans.error.declined':
    'お支払いが承認されなかったため、請求は発生していません。別のお支払い方法をお選びいただくか、カスタマーサポートまでお問い合わせください。',
  'plans.error.canceled':
    'お支払いを取り消されたため、請求は発生していません。選択したプランはそのままです。準備ができたらお進みください。',
  'plans.error.refunded':
    'お支払いをこのプランに使用できなかったため、全額を返金しました。もう一度プランをお選びください。',
  'plans.error.provider-unavailable':
    '現在、決済サービスに接続できないため、請求は発生していません。数分後にもう一度お試しください。',
  'plans.error.plan-unavailable':
    'お選びのプランは現在ご利用いただけないため、請求は発生していません。別のプランをお選びください。',
  'plans.error.already-active':
    'この SIM カードにはすでに有効なプランがあるため、請求は発生していません。現在、追加のご購入は必要ありません。',
  'plans.error.expired':
    'お申し込みが時間内に完了しなかったため、取り消されました。請求は発生していません（お支払い済みの金額は返金されます）。もう一度プランをお選びください。',
  'plans.error.page-expired':
    'このページを開いてから時間が経ちすぎたため、お申し込みは開始されていません。請求は発生していません。選択したプランはそのままです。準備ができたらお進みください。',
  'plans.error.title.page-expired': 'このページの有効期限が切れました',
  'plans.test.title': 'テストモード',
  'plans.test.body':
    'このサイトはテスト用の決済サービスを使用しているため、実際の請求は発生しません。テスト用のカード番号はお支払いページに記載されています。',
  'plans.email.label': '領収書をメールで受け取る（任意）',
  'plans.email.hint': '領収書をこのアドレスに一度だけお送りします。アドレスは保存しません。',
  'plans.email.invalid':
    'name@example.com のような形式でメールアドレスを入力するか、この欄を空欄のままにしてください。',
  'plans.email.errorTitle': '入力内容をご確認ください',

  // Plan facts
  'plan.type': '種類',
  'plan.type.Unrestricted': '使い放題',
  'plan.type.Fixed': '定額（データ容量あり）',
  'plan.type.Variable': '従量課金',
  'plan.data': 'データ容量',
  'plan.data.noLimit': '上限なし',
  'plan.duration': '有効期間',
  'plan.bandwidth': '通信速度',
  'plan.bandwidth.upTo': '最大 {speed}',
  'plan.bandwidth.noCap': '速度制限なし',
  'plan.price': '料金',
  'plan.name': 'プラン',
  'common.labelColon': '{label}：',

  // Payment
  'pay.note.hosted':
    'お支払いは決済代行会社の安全なページで行います。カード番号はそのページで入力するため、このサイトには送信されません。お支払いが確認されるとすぐにプランが開始されます。',
  'pay.note.account':
    '料金はご契約中の携帯電話のアカウント（月々のご請求またはプリペイド残高）に 1 回だけ請求されます。請求が確認されるとすぐにプランが開始されます。',
  'pay.submit.hosted': 'お支払いに進む',
  'pay.submit.account': '支払ってプランを開始する',
  'pay.submit.hosted.amount': '{amount}のお支払いに進む',
  'pay.description': '{operator}：{plan}',
  'pay.submit.account.amount': '{amount}を支払ってプランを開始する',
  'pending.title': 'お支払いを確認しています',
  'pending.heading': 'お支払いを確認しています',
  'pending.body':
    '通常は数秒で完了します。このページは自動的に再確認します。もう一度お支払いいただく必要はありません。',
  'pending.link': '今すぐ確認する',

  // Status
  'receipt.title': '領収書',
  'receipt.order': '注文番号',
  'receipt.paidAt': 'お支払い日時',
  'receipt.amount': '金額',
  'receipt.method': 'お支払い方法',
  'receipt.method.card': '{brand}（末尾 {last4}）',
  'receipt.method.cardNoDigits': '{brand}カード',
  'receipt.method.account': 'ご契約中の携帯電話のアカウント',
  'receipt.method.accountLabel': 'ご契約中の携帯電話のアカウント（{label}）',
  'receipt.method.other': 'その他のお支払い方法',
  'receipt.plan': 'プラン',
  'receipt.endsAt': 'プランの終了日時',
  'receipt.keep': 'このご購入についてカスタマーサポートにお問い合わせの際は、注文番号をお伝えください。',

  'mail.receipt.subject': '【{operator}】領収書（注文番号 {order}）',
  'mail.receipt.heading': 'ご購入ありがとうございます',
  'mail.receipt.intro':
    '{operator}へのお支払いを確認し、プランのご利用を開始しました。領収書をお送りします。',
  'mail.receipt.support': 'カスタマーサポート：{phone}',
  'mail.receipt.why':
    'このメールは、プランのご購入時に領収書の送付をご希望いただいたためお送りしています。{operator}は送信後、お客様のメールアドレスを保存しません。',

  'status.title': 'ご利用中のプラン',
  'status.heading': 'プランはご利用中です',
  'status.intro': 'この SIM カードには有効なプランがあるため、現在ご購入いただく必要はありません。',
  'status.intro.renewable': 'この SIM カードには有効なプランがあります。',
  'status.renew.title': 'さらにご利用になりますか?',
  'status.renew.body.extend':
    'このプランをもう一期間、今すぐご購入いただけます。現在のプランに追加されます。',
  'status.renew.body.replace': '別のプランに今すぐ変更できます。お支払いが完了した時点で開始します。',
  'status.topUp.title': '残りが少なくなっていませんか?',
  'status.topUp.usage': 'データ容量の{percent}%を使用しました。',
  'status.topUp.ending': 'プランは{date}に終了します。',
  'status.topUp.refuse':
    '同時にご利用いただけるプランは1つです。次のプランは、このプランが終了する{date}からご購入いただけます。',
  'status.topUp.refuseData':
    'それより前にデータ容量を使い切った場合は、その時点で新しいプランをご購入いただけます。',
  'status.startsAt': '開始日',
  'status.endsAt': '終了日',
  'status.usage': 'データ使用量',
  'status.usagePercent': '{percent}% 使用済み',
  'status.reinstall.title': 'この PC の設定',
  'status.reinstall.body':
    'この PC が自動的に接続されない場合は、プランの接続設定をもう一度インストールしてください。',
  'status.reinstall.link': '設定をもう一度インストールする',

  // Complete
  'complete.title': 'お申し込み完了',
  'complete.heading': 'ご購入ありがとうございます。プランのご利用を開始しました',
  'complete.intro': 'SIM カードで「{plan}」をご利用いただけるようになりました。',
  'complete.order': 'ご注文内容',
  'complete.setup.title': 'この PC の設定',
  'complete.setup.intro':
    'Windows でご利用いただくには、プランの接続設定も必要です。Windows が開いたウィンドウでこのページを表示している場合は、設定が自動的にインストールされます。Windows から確認を求められた場合は、許可してください。',
  'complete.status.working': 'この PC に設定をインストールしています…',
  'complete.status.success':
    '設定のインストールが完了しました。モバイル ブロードバンド ネットワークに接続できます。',
  'complete.status.partial':
    '一部の設定をインストールできませんでした。プランはご利用いただけます。残りの設定は下記の手順で行ってください。',
  'complete.status.failed':
    '設定を自動的にインストールできませんでした。プランはご利用いただけます。下記の手順で設定してください。',
  'complete.status.error':
    '設定は自動的にインストールされませんでした。プランはご利用いただけます。下記の手順で設定してください。',
  'complete.status.unknown':
    '設定がインストールされたかどうかを Windows から確認できませんでした。この PC が接続されない場合は、下記の手順で設定してください。',
  'complete.status.code1':
    'Windows で設定をインストールできませんでした。プランはご利用いただけます。［もう一度試す］を選択するか、下記の手順で設定してください。',
  'complete.status.code2':
    'お送りした設定を Windows で読み取れませんでした。プランはご利用いただけます。設定ファイルをダウンロードし、下記の手順でインストールしてください。',
  'complete.status.code3':
    '設定に署名がないため、Windows で受け付けられませんでした。プランはご利用いただけます。設定ファイルをダウンロードし、下記の手順でインストールしてください。',
  'complete.status.code4':
    '設定の署名を確認できなかったため、Windows で受け付けられませんでした。プランはご利用いただけます。設定ファイルをダウンロードし、下記の手順でインストールしてください。',
  'complete.status.code5':
    'インストールがキャンセルされたため、設定はまだインストールされていません。プランはご利用いただけます。［もう一度試す］を選択し、Windows から確認を求められたら許可するか、下記の手順で設定してください。',
  'complete.status.code6':
    'この PC に Wi-Fi アダプターが見つからなかったため、設定はインストールされませんでした。Wi-Fi をオンにして（機内モードがオフであることを確認して）から［もう一度試す］を選択するか、下記の手順で設定してください。',
  'complete.status.code7':
    'この PC にモバイル ブロードバンド モデムが見つからなかったため、設定はインストールされませんでした。SIM カードが挿入され、モデムが接続されてオンになっていること（機内モードがオフであること）を確認してから［もう一度試す］を選択するか、下記の手順で設定してください。',
  'complete.status.code8':
    '設定の対象となるハードウェア（Wi-Fi アダプターとモバイル ブロードバンド モデム）が見つかりませんでした。両方が接続されてオンになっていること（機内モードがオフであること）を確認してから［もう一度試す］を選択するか、下記の手順で設定してください。',
  'complete.status.code-other':
    '設定のインストール中に Windows でエラーが発生しました。プランはご利用いただけます。［もう一度試す］を選択するか、下記の手順で設定してください。',
  'complete.status.detail': 'Windows の結果コード：{code}',
  'complete.status.retry': 'もう一度試す',
  'complete.status.support':
    'それでも PC が接続されない場合は、{operator}カスタマーサポート（{phone}）までお電話ください。',
  'complete.status.supportNoPhone':
    'それでも PC が接続されない場合は、{operator}カスタマーサポートまでお問い合わせください。',
  'complete.fallback.title': '手動で設定する',
  'complete.fallback.intro':
    'プランはすでにご利用いただけます。設定が自動的にインストールされなかった場合（別のブラウザーでこのページを開いている場合など）は、次の手順で設定してください。',
  'complete.fallback.download': '設定ファイルをダウンロード',
  'complete.fallback.wifi': 'Wi-Fi 設定をインストール',
  'complete.fallback.wifiProfiles': '含まれる Wi-Fi ネットワーク：',
  'complete.step.download':
    '［設定ファイルをダウンロード］を選択し、ダウンロード フォルダーなど PC 内に保存します。',
  'complete.step.wifi':
    '［Wi-Fi 設定をインストール］を選択します。Windows の設定が開き、ここに表示されている Wi-Fi ネットワークが表示されます。{operator}のものであることを確認して、［インストール］を選択します。',
  'complete.step.connect':
    'タスク バーのネットワーク アイコンを選択し、携帯電話ネットワークを選んで［接続］を選択します。プランは有効になっているため、設定のインストール前でも接続できます。',
  'complete.step.keep':
    '設定ファイルは保管しておいてください。それでも PC が接続されない場合は、{operator}カスタマーサポートまでお問い合わせください。インストールの方法をご案内します。',

  // Operator error
  'operatorError.title': '申し訳ございません。当社のシステムでエラーが発生しました',
  'operatorError.body':
    '当社のシステムの問題により、お手続きを完了できませんでした。数分後にもう一度お試しください。',
  'operatorError.paid':
    'すでにお支払いがお済みの場合は、再度お支払いにならず、カスタマーサポートまでご連絡ください。',
  'operatorError.reference': 'お問い合わせ番号',
  'operatorError.quote': 'カスタマーサポートへのお問い合わせの際は、このお問い合わせ番号をお伝えください。',

  // Generic errors
  'error.400.title': '正しくないリクエストです',
  'error.400.body':
    'リクエストの内容を確認できませんでした。アドレスをご確認のうえ、もう一度お試しください。',
  'error.403.title': 'このページの有効期限が切れました',
  'error.403.body':
    'セキュリティ保護のため、このフォームは一定時間内に 1 回だけ送信できます。ページを開き直して、もう一度お試しください。',
  'error.404.title': 'ページが見つかりません',
  'error.404.body': 'お探しのページは存在しません。アドレスをご確認ください。',
  'error.409.title': 'すでに処理中です',
  'error.409.body':
    'このお手続きはすでに受け付けており、処理中または完了しています。再度送信しないでください。',
  'error.413.title': 'データが大きすぎます',
  'error.413.body': '送信されたデータが大きすぎます。もう一度お試しください。',
  'error.429.title': 'アクセスが集中しています',
  'error.429.body': '短時間に多くのリクエストが送信されました。1 分ほど待ってから、もう一度お試しください。',
  'error.checkoutLimit.body':
    'この SIM カードまたはこのネットワークから、短時間に多くのお申し込みがありました。請求は発生していません。しばらくしてから、もう一度お試しください。',
  'error.500.title': 'エラーが発生しました',
  'error.500.body': '当社のシステムでエラーが発生しました。数分後にもう一度お試しください。',
  'error.again': 'プランの選択に戻る',
  'error.loginLimit.body':
    'このネットワークまたはこのメールアドレスで、ログインやバウチャーの失敗が続きました。1 時間ほど待ってから、もう一度お試しください。',
  'error.signupLimit.body':
    'このネットワークから、短時間に多くのアカウントが作成されました。しばらくしてから、もう一度お試しください。',
  'receipt.method.voucher': 'バウチャー',
  'home.wifi.title': 'SIM カードなしで Wi-Fi を使う',
  'home.wifi.body':
    '{operator}の Wi-Fi スポットは、SIM カードがなくても、アカウントまたはバウチャーでご利用いただけます。',
  'home.wifi.link': 'Wi-Fi プラン',
  'wifi.title': 'Wi-Fi アクセス',
  'wifi.heading': 'SIM カードなしの Wi-Fi アクセス',
  'wifi.intro':
    'Windows PC で{operator}の Wi-Fi スポットをご利用いただけます。アカウントを作成するかバウチャーを使い、プランを選んで Wi-Fi 設定をインストールすると、PC がスポットに自動でログインします。',
  'wifi.plans.title': 'Wi-Fi プラン',
  'wifi.none': '現在販売中の Wi-Fi プランはありません。しばらくしてから、もう一度お試しください。',
  'wifi.start.title': 'はじめる',
  'wifi.signup.link': 'アカウントを作成',
  'wifi.login.link': 'ログイン',
  'wifi.voucher.link': 'バウチャーを使う',
  'wifi.account.title': 'お客様のアカウント',
  'wifi.account.signedIn': '{email} でログインしています。',
  'wifi.account.buy': 'Wi-Fi プランを購入',
  'wifi.account.status': 'ご利用中のプランを見る',
  'wifi.logout': 'ログアウト',
  'wifi.field.email': 'メールアドレス',
  'wifi.field.password': 'パスワード',
  'wifi.field.passwordHint': '10 文字以上。',
  'wifi.field.code': 'バウチャーコード',
  'wifi.field.codeHint': 'バウチャーに記載の英数字 16 文字（例: 7KQ2-M9XD-4HBT-QW3E）。',
  'wifi.error.title': '入力内容をご確認ください',
  'wifi.error.exists': 'このメールアドレスのアカウントはすでにあります。ログインしてください。',
  'wifi.error.invalid-email': 'name@example.com のような形式でメールアドレスを入力してください。',
  'wifi.error.weak-password': '10〜256 文字のパスワードを設定してください。',
  'wifi.error.login-failed': 'メールアドレスまたはパスワードが正しくありません。',
  'wifi.error.invalid-code': 'このバウチャーコードは無効か、すでに使用されています。',
  'wifi.error.expired-code': 'このバウチャーは有効期限が切れています。',
  'wifi.error.already-active':
    'お客様のアカウントにはご利用中のプランがあるため、バウチャーは使用されていません。プランの終了後にお使いください。',
  'wifi.error.plan-unavailable':
    'このバウチャーのプランは現在のプランに追加できないため、バウチャーは使用されていません。',
  'wifi-signup.title': 'アカウントを作成',
  'wifi-signup.intro':
    'アカウントがあれば Wi-Fi プランを購入でき、あとからプランの確認や設定の再インストールもできます。',
  'wifi-signup.submit': 'アカウントを作成',
  'wifi-signup.other': 'アカウントをお持ちの方',
  'wifi-login.title': 'ログイン',
  'wifi-login.intro': 'ログインして Wi-Fi プランを購入するか、ご利用中のプランをご確認ください。',
  'wifi-login.submit': 'ログイン',
  'wifi-login.other': 'アカウントをお持ちでない方',
  'wifi-voucher.title': 'バウチャーを使う',
  'wifi-voucher.intro':
    'バウチャーのコードを入力すると、そのプランがすぐに始まります。ログイン中の場合は、お客様のアカウントにプランが追加されます。',
  'wifi-voucher.submit': 'バウチャーを使う',
  'plans.heading.wifi-first-use': 'Wi-Fi プランを選ぶ',
  'plans.intro.wifi-first-use':
    'プランを選んでお支払いください。お支払いが完了し設定をインストールすると、すぐに{operator}の Wi-Fi スポットをご利用いただけます。',
  'status.intro.wifi':
    'お客様のアカウントにはご利用中の Wi-Fi プランがあるため、現在購入できるものはありません。',
  'status.intro.wifi.renewable': 'お客様のアカウントにはご利用中の Wi-Fi プランがあります。',
  'complete.intro.device':
    '{plan}のご利用を開始しました。このデバイスに Wi-Fi 設定をインストールしてご利用ください。',
  'complete.intro.wifi':
    '{plan}のご利用を開始しました。この PC に Wi-Fi 設定をインストールしてご利用ください。',
  'complete.wifi.title': 'この PC の設定',
  'complete.wifi.intro': 'PC には、スポットへのログイン情報を含むプランの Wi-Fi 設定が必要です。',
  'complete.wifi.step.install':
    '「Wi-Fi 設定をインストール」を選択します。Windows の設定が開き、ここに表示された Wi-Fi ネットワークが表示されます。初回は{operator}を信頼するかどうか確認されます。名前を確認して「インストール」を選択してください。',
  'complete.wifi.step.download':
    '設定が開かない場合は「設定ファイルをダウンロード」を選択してファイルを保存し、{operator}のカスタマーサポートにお問い合わせください。インストールをお手伝いします。',
  'complete.wifi.expiry':
    'これらのリンクは {minutes} 分間有効です。使えなくなった場合は、このページを再読み込みすると新しいリンクが表示されます。',
  'complete.passpoint.title': '{networks}へのサインイン',
  'complete.passpoint.intro':
    'PC がこれらのネットワークに初めて接続するとき、Windows がユーザー名とパスワードを求めます。次を入力してください：',
  'complete.passpoint.user': 'ユーザー名',
  'complete.passpoint.password': 'パスワード',
  'complete.passpoint.keep':
    'プラン専用の情報です。他人に知らせないでください。プランが有効な間はこのページで再度確認できます。',
  'devices.apple.title': 'この iPhone、iPad、Mac を設定する',
  'devices.apple.intro':
    '{operator}の Wi-Fi プロファイルをインストールすると、{operator}のアクセスポイントに自動で接続し、サインインします。',
  'devices.apple.step.download': '「プロファイルをダウンロード」を選び、ダウンロードを許可してください。',
  'devices.apple.step.install':
    'iPhone・iPad では「設定」を開き、「プロファイルがダウンロードされました」を選んでインストールします。Mac では「システム設定」の「プライバシーとセキュリティ」から「プロファイル」を開きます。プロファイルは{operator}の署名付きです。インストールの前に名前をご確認ください。',
  'devices.apple.button': 'プロファイルをダウンロード',
  'devices.apple.name': 'iPhone、iPad、Mac',
  'devices.android.title': 'この Android スマートフォンを設定する',
  'devices.android.intro':
    '{operator}の Passpoint プロファイルをインストールすると、{operator}のアクセスポイントに自動で接続し、サインインします。',
  'devices.android.step.download':
    '「Passpoint プロファイルをインストール」を選んでください。インストールの確認が表示されたら、{operator}の名前を確認してインストールを選びます。',
  'devices.android.step.needs':
    'Passpoint に対応した Android 11 以降が必要です（ほとんどの機種が対応しています）。',
  'devices.android.button': 'Passpoint プロファイルをインストール',
  'devices.android.name': 'Android スマートフォン',
  'devices.windows.name': 'Windows パソコン',
  'devices.other.title': 'ほかのデバイス',
  'devices.other.intro':
    'プランはお持ちのほかのデバイスでもご利用いただけます。設定するデバイスでリンクを開くか、このページを開いてください。',
  'devices.expiry':
    'プロファイルのリンクは{minutes}分間有効です。新しいリンクはこのページを再読み込みすると表示されます。',
  // Mobile Plans (docs/mobile-plans.md)
  'mp.cancel': 'キャンセル',
  'mp.invalid.next':
    '［キャンセル］を選択し、Mobile Plans をもう一度開いて、Windows にこれらの情報を送り直させてください。繰り返し発生する場合は、上記の内容をカスタマーサポートにお知らせください。',
  'param.eid': 'eSIM 識別番号（eid）',
  'param.iccids': 'eSIM プロファイル（iccids）',
  'param.iccid': 'SIM カード番号（iccid）',
  'param.imei': '端末の IMEI（imei）',
  'param.location': '現在地（location）',
  'param.market': '地域（market）',
  'param.transactionId': 'セッション参照番号（transactionId）',
  'problem.eid.format': '32 桁の eSIM 識別番号（EID）である必要があります。',
  'problem.iccids.format':
    '各項目は 19 桁または 20 桁の SIM カード番号（ICCID）で、カンマで区切られている必要があります。',
  'problem.iccids.count': 'SIM カード番号が 16 個を超えています。',
  'problem.imei.format': '14～16 桁の IMEI である必要があります。',
  'problem.country.format': 'US や JP のような 2 文字の国または地域のコードである必要があります。',
  'problem.transactionId.format': '空白を含まない 64 文字以内である必要があります。',
  'problem.launch.both':
    'eSIM（eid）と SIM カード（iccid）の両方が指定されています。Mobile Plans はどちらか一方を送ります。',
  'problem.launch.missing': 'eSIM（eid）も SIM カード（iccid）も指定されていません。',
  'mp.lpa.title': '前回の eSIM のダウンロードが完了しませんでした',
  'mp.lpa.reported': 'Windows からの報告：{codes}',
  'mp.lpa.retry': 'もう一度ダウンロードする',
  'mp.step.success': 'eSIM プロファイルはインストールされ、有効になっています。',
  'mp.step.retry': 'ネットワークまたは PC の一時的な問題です。もう一度ダウンロードしてください。',
  'mp.step.free-space':
    'この PC の eSIM に新しいプロファイルを入れる空きがありません。［設定］＞［ネットワークとインターネット］＞［携帯電話］＞［eSIM プロファイル］で不要なプロファイルを削除してから、もう一度お試しください。',
  'mp.step.code':
    'ダウンロードには確認コードが必要ですが、入力されていないか正しくありませんでした。受け取ったとおりにコードを入力して、もう一度お試しください。',
  'mp.step.device':
    'Windows がこの PC の eSIM またはモデムにアクセスできませんでした。機内モードがオフになっていることを確認し、PC を再起動してから、もう一度お試しください。',
  'mp.step.support':
    '当社のシステムからこの PC にプロファイルをお渡しできませんでした。{operator}カスタマーサポートにお問い合わせください。状況を確認いたします。',
  'mp.registration.waiting': 'まだモバイル ネットワークに接続していません。',
  'mp.registration.searching': '{operator}のネットワークを探しています…',
  'mp.registration.connected': 'モバイル ネットワークに接続しました。ご利用いただけます。',
  'mp.registration.denied':
    'ネットワークがこの PC の接続を受け付けませんでした。{operator}カスタマーサポートにお問い合わせください。',
  'mp.esim.title': 'この PC の eSIM 用プラン',
  'mp.esim.intro':
    '{operator}のモバイル データ プランを、この PC に内蔵された eSIM でご利用いただけます。プランを選んでお支払いいただくと、Windows がダウンロードします。SIM カードは不要です。',
  'mp.esim.plans': 'ご利用いただけるプラン',
  'mp.esim.continue': 'プランを選ぶ',
  'mp.complete.title': 'ご注文の確認',
  'mp.complete.heading': 'ありがとうございます。プランの準備ができました',
  'mp.complete.intro': '{plan}をご購入いただきました。このページがご注文の確認です。',
  'mp.complete.setup': 'この PC の設定',
  'mp.status.working': 'プランを Mobile Plans に渡しています…',
  'mp.status.download':
    'Mobile Plans が eSIM プロファイルをダウンロードしています。その間もこのページをご利用いただけます。',
  'mp.status.delayed': '約 {minutes} 分後に、Mobile Plans が eSIM プロファイルのダウンロードをご案内します。',
  'mp.status.async':
    'eSIM プロファイルをインストールしています。約 {minutes} 分以内に PC がネットワークに接続します。',
  'mp.status.asyncNow':
    'eSIM プロファイルをインストールしています。完了すると PC がネットワークに接続します。',
  'mp.status.balance': 'プランが有効になりました。Mobile Plans が Windows に戻ります。',
  'mp.status.cancelled': 'Mobile Plans が Windows に戻ります。',
  'mp.status.downloadCancelled': 'ダウンロードをキャンセルしました。',
  'mp.status.noHost':
    'このページは Mobile Plans アプリの中で完了します。PC で Mobile Plans を開いて続けてください。',
  'mp.status.error':
    'Mobile Plans に引き渡せませんでした。［キャンセル］を選択して Mobile Plans をもう一度開いてください。お支払い済みのプランは有効なままです。',
  'mp.cancelDownload': 'ダウンロードをキャンセルする',
  'mp.cancel.title': '購入を中止しました',
  'mp.cancel.body': 'このページではこれ以上何も行われません。{operator}のサイトからサインアウトしました。',
  'mp.cancel.again': 'Mobile Plans に戻る',
  'error.503.title': 'ここではご利用いただけません',
  'error.503.body': 'このサービスは現在ご利用いただけません。しばらくしてからもう一度お試しください。',
  'error.esimUnavailable.body':
    'このサイトでは eSIM 用のプランを販売していません。SIM カードについてはカスタマーサポートにお問い合わせください。',
  'error.esimLimit.body':
    'この 1 時間に、お使いのネットワークから新しい eSIM のお客様が多数ありました。しばらくしてからもう一度お試しください。',
  'error.mobilePlansContext.body':
    'このページは Mobile Plans アプリで始めた購入のページです。Mobile Plans をもう一度開いてください。',
};

const catalogs: Record<Lang, Record<string, string>> = { en, ja };

/** A message key that has no text, or a placeholder without a value: a programming error, caught by the tests. */
export class MissingMessageError extends Error {
  readonly code = 'MBPROV_PORTAL_MISSING_MESSAGE';
  constructor(message: string) {
    super(message);
    this.name = 'MissingMessageError';
  }
}

/** Values for a message's `{name}` placeholders. */
export type MessageParams = Readonly<Record<string, string | number>>;

/** The raw texts of a language, `{name}` placeholders unfilled (for tests and translators' tools). */
export function messages(lang: Lang): Readonly<Record<MessageKey, string>> {
  return catalogs[lang] as Record<MessageKey, string>;
}

/** True when `key` has a text in every language (for keys built from data, such as parameter problems). */
export function hasMessage(key: string): boolean {
  return LANGS.every((lang) => Object.hasOwn(catalogs[lang], key));
}

/** The text of `key` in `lang` with its `{name}` placeholders filled; throws MissingMessageError for unknown keys. */
export function t(lang: Lang, key: MessageKey | (string & {}), params?: MessageParams): string {
  const catalog = catalogs[lang];
  if (!catalog || !Object.hasOwn(catalog, key)) {
    throw new MissingMessageError(`No ${lang} text for message key "${key}"`);
  }
  const text = catalog[key] as string;
  return text.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined) {
      throw new MissingMessageError(`Message "${key}" needs a value for {${name}}`);
    }
    return String(value);
  });
}

/** A name as a page in `lang` shows it: its Japanese form (a catalog's nameJa) on Japanese pages, when there is one. */
export function localizedName(name: string, nameJa: string | null | undefined, lang: Lang): string {
  return lang === 'ja' && nameJa ? nameJa : name;
}

/** The message explaining a ParameterProblem.problem key ('subid.format', 'duplicate'…), generic for unknown keys. */
export function problemMessage(lang: Lang, problem: string): string {
  const key = `problem.${problem}`;
  return t(lang, hasMessage(key) ? key : 'problem.unknown');
}

/** 'en' or 'ja' for a language tag such as "ja-JP" or "EN"; undefined for anything else. */
export function parseLang(value: string | undefined | null): Lang | undefined {
  if (!value) return undefined;
  const primary = value.trim().toLowerCase().split(/[-_]/)[0];
  return LANGS.find((lang) => lang === primary);
}

/**
 * The language of a page. Explicit choices come first, in the order given (pass the `lang` query parameter, then
 * the cookie): the first that names a portal language wins. Otherwise the Accept-Language header decides by
 * q-value (ties keep header order; q=0 means "not this one"); otherwise English.
 */
export function negotiateLanguage(
  acceptLanguageHeader: string | undefined | null,
  ...explicit: Array<string | undefined | null>
): Lang {
  for (const choice of explicit) {
    const lang = parseLang(choice);
    if (lang) return lang;
  }
  if (!acceptLanguageHeader) return DEFAULT_LANG;
  const ranges = acceptLanguageHeader
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      let q = 1;
      for (const param of params) {
        const m = /^\s*q\s*=\s*(.*?)\s*$/i.exec(param);
        // A malformed weight (RFC 9110: 0 to 1, three decimals at most) drops the range.
        if (m) q = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/.test(m[1] ?? '') ? Number(m[1]) : 0;
      }
      return { tag: tag.trim().toLowerCase(), q, index };
    })
    .filter((r) => r.tag !== '');
  const refused = new Set<Lang>();
  for (const r of ranges) {
    const lang = parseLang(r.tag);
    if (lang && r.q === 0) refused.add(lang);
  }
  const accepted = ranges.filter((r) => r.q > 0).sort((a, b) => b.q - a.q || a.index - b.index);
  for (const r of accepted) {
    if (r.tag === '*') {
      const any = LANGS.find((lang) => !refused.has(lang));
      if (any) return any;
      continue;
    }
    const lang = parseLang(r.tag);
    if (lang && !refused.has(lang)) return lang;
  }
  return DEFAULT_LANG;
}

const LOCALES: Record<Lang, string> = { en: 'en-US', ja: 'ja-JP' };

/** The BCP 47 locale used by the formatters for a portal language. */
export function localeOf(lang: Lang): string {
  return LOCALES[lang];
}

// Intl formatters are costly to build and immutable: one per locale and options, built on first use.
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function formatter<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => T): T {
  let f = formatters.get(key) as T | undefined;
  if (!f) {
    f = make();
    formatters.set(key, f);
  }
  return f;
}

function number(value: number, lang: Lang, maximumFractionDigits = 1): string {
  return formatter(
    `n|${lang}|${maximumFractionDigits}`,
    () => new Intl.NumberFormat(LOCALES[lang], { maximumFractionDigits }),
  ).format(value);
}

/**
 * A data amount given in megabytes, in decimal units as operators sell plans (1 GB = 1,000 MB, the same megabyte
 * as the SMS rules engine's M unit): "500 MB", "1.5 GB", "10 GB".
 */
export function formatBytes(mb: number, lang: Lang): string {
  if (Math.abs(mb) >= 1_000_000) return `${number(mb / 1_000_000, lang)} TB`;
  if (Math.abs(mb) >= 1000) return `${number(mb / 1000, lang)} GB`;
  return `${number(mb, lang)} MB`;
}

/** A plan duration in days: "1 day", "30 days" / "30日間". */
export function formatDuration(days: number, lang: Lang): string {
  const n = number(days, lang, 0);
  if (lang === 'ja') return `${n}日間`;
  return days === 1 ? `${n} day` : `${n} days`;
}

/** A bandwidth in kilobits per second (decimal units, as networks count): "512 kbps", "50 Mbps", "1.2 Gbps". */
export function formatBandwidth(kbps: number, lang: Lang): string {
  if (Math.abs(kbps) >= 1_000_000) return `${number(kbps / 1_000_000, lang)} Gbps`;
  if (Math.abs(kbps) >= 1000) return `${number(kbps / 1000, lang)} Mbps`;
  return `${number(kbps, lang)} kbps`;
}

/** An amount in the currency's minor units (cents; yen have none): 999 USD → "$9.99", 1100 JPY → "¥1,100" / "￥1,100". */
export function formatMoney(minorUnits: number, currency: string, lang: Lang): string {
  const format = formatter(
    `c|${lang}|${currency}`,
    () => new Intl.NumberFormat(LOCALES[lang], { style: 'currency', currency }),
  );
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minorUnits / 10 ** digits);
}

/**
 * A date (ISO 8601 string or Date) as a long date: "May 1, 2024" / "2024年5月1日", in `timeZone` (UTC unless
 * given, e.g. 'Asia/Tokyo'). A value that is not a date is returned unchanged.
 */
export function formatDate(iso: string | Date, lang: Lang, timeZone = 'UTC'): string {
  return formatInstant(iso, lang, timeZone, false);
}

/** A date with the time of day and the zone: "May 1, 2024, 3:05 PM UTC" / "2024年5月1日 15:05 JST". */
export function formatDateTime(iso: string | Date, lang: Lang, timeZone = 'UTC'): string {
  return formatInstant(iso, lang, timeZone, true);
}

function formatInstant(iso: string | Date, lang: Lang, timeZone: string, withTime: boolean): string {
  const date = iso instanceof Date ? iso : new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return formatter(`${withTime ? 't' : 'd'}|${lang}|${timeZone}`, () =>
    withTime
      ? new Intl.DateTimeFormat(LOCALES[lang], {
          year: 'numeric',
          month: 'long',
          day: 'numeric',
          hour: 'numeric',
          minute: '2-digit',
          timeZone,
          timeZoneName: 'short',
        })
      : new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: 'long', timeZone }),
  ).format(date);
}

/**
 * An IMSI (or another subscriber number) with its middle hidden: the first 6 digits (MCC+MNC and the start of the
 * MSIN) and the last 4 stay, "310260123456789" → "310260*****6789". Short values keep only their last 4.
 */
export function maskImsi(imsi: string): string {
  const value = imsi.trim();
  if (value.length <= 4) return '*'.repeat(value.length);
  if (value.length <= 10) return '*'.repeat(value.length - 4) + value.slice(-4);
  return value.slice(0, 6) + '*'.repeat(value.length - 10) + value.slice(-4);
}

// Replaces xlwings-server's ribbon.js, which bound the template's "Hello World" ribbon
// button to a custom script this add-in does not have. Our manifest's only ribbon
// button opens the task pane, which needs no function here.
